/**
 * Importance criteria by name (the launch form's and the CLI's `criterion`). One factory per
 * criterion; options are passed through to the criteria that take them (Taylor).
 */
import { apozImportance } from './apoz'
import { bnScaleImportance } from './bn-scale'
import { l1NormImportance } from './l1-norm'
import { l2NormImportance } from './l2-norm'
import { meanActivationImportance } from './mean-activation'
import { randomImportance } from './random'
import { taylorImportance, type TaylorOptions } from './taylor'
import type { ImportanceScorer } from './types'

/** Options any criterion may read. */
export type ScorerOptions = TaylorOptions

const FACTORIES: Record<string, (options: ScorerOptions) => ImportanceScorer> = {
  l1: () => l1NormImportance(),
  l2: () => l2NormImportance(),
  taylor: (options) => taylorImportance(options),
  'mean-activation': () => meanActivationImportance(),
  apoz: () => apozImportance(),
  random: () => randomImportance(),
  'bn-scale': () => bnScaleImportance(),
}

/** Names of the known criteria. */
export function importanceCriteria(): string[] {
  return Object.keys(FACTORIES)
}

/** The scorer for a criterion name; an unknown name is an error listing the known ones. */
export function createImportanceScorer(
  name: string,
  options: ScorerOptions = {},
): ImportanceScorer {
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined
  if (factory === undefined) {
    throw new Error(
      `unknown importance criterion '${name}'; known: ${importanceCriteria().join(', ')}`,
    )
  }
  return factory(options)
}
