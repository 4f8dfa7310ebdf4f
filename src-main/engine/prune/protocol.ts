/**
 * What a pruning run checks and plans before any work, the same for every task (METHODS P1–P3):
 * the parent's prunable structure, the layers a spec names, the criterion and whether it can score
 * them, and the schedule of removal counts from the targets (ratio, units, MACs, params) — targets
 * that cannot be met without emptying a layer are refused here, in one line.
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { modelStats } from '../models/layer-report'
import { deriveSeed } from '../random/seeded-rng'
import { keepEveryOwner } from './keep-owners'
import { createImportanceScorer } from './importance/registry'
import type { ImportanceScorer } from './importance/types'
import { iterativeCounts } from './schedules'
import { analyzeStructure, findGroup, notAGroup, type PruneGroup, type PruneStructure } from './structure'
import { removeUnits, type RemovalPlan } from './surgery'

type PruneMethod = Extract<RunMethod, { kind: 'prune' }>

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]
const round = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 })

/** `model`'s pruning structure, errors naming it as `what` (e.g. `parent model (lenet5 (…))`). */
export function prunableStructure(model: tf.LayersModel, what: string, requireGroups = true): PruneStructure {
  let structure: PruneStructure
  try {
    structure = analyzeStructure(model)
  } catch (e) {
    throw new Error(`${what}: ${firstLine(e)}`)
  }
  if (requireGroups && structure.prunable.length === 0) {
    const fixed = structure.fixed.map((f) => `'${f.name}' (${f.reason})`).join('; ')
    throw new Error(
      `the ${what} has nothing to prune: no Dense or Conv2D layer whose units feed ` +
        `another layer${fixed ? `; kernel layers: ${fixed}` : ''}`,
    )
  }
  return structure
}

/**
 * The groups a spec names (`method.layers`: a group's name or any layer making its channels), or
 * all of them. An unknown name, or one that cannot be pruned, is an error listing what can be.
 */
export function resolveLayers(structure: PruneStructure, names: readonly string[] | undefined, field: string): PruneGroup[] {
  if (names === undefined) return structure.prunable
  const known = structure.prunable.map((p) => `'${p.name}'`).join(', ')
  if (names.length === 0) throw new Error(`${field} is empty; prunable layers: ${known}`)
  const seen = new Set<string>()
  const picked = new Set<string>()
  return names.map((name) => {
    if (seen.has(name)) throw new Error(`${field} names layer '${name}' twice`)
    seen.add(name)
    const found = findGroup(structure, name)
    if (found === undefined) throw new Error(`${field}: ${notAGroup(structure, name)}; prunable layers: ${known}`)
    if (picked.has(found.name)) throw new Error(`${field} names layers of one group ('${found.name}': ${found.producers.join(', ')}) twice`)
    picked.add(found.name)
    return found
  })
}

/** The criterion's scorer; an unknown name is an error listing the known ones. */
export function pruneScorer(criterion: string, flopsLambda = 0): ImportanceScorer {
  try {
    return createImportanceScorer(criterion, { flopsLambda })
  } catch (e) {
    throw new Error(`method.criterion: ${(e as Error).message}`)
  }
}

/**
 * Checks the criterion can score these layers: BN scale needs a BatchNormalization after each
 * (`model`: the parent as messages name it, `hint`: how to give it one).
 */
export function checkCriterion(criterion: string, layers: readonly PruneGroup[], model: string, hint: string): void {
  if (criterion !== 'bn-scale') return
  const without = layers.flatMap((g) => g.owners.filter((o) => o.batchNorm === null).map((o) => `'${o.name}'`))
  if (without.length > 0) {
    throw new Error(
      `criterion 'bn-scale' needs a BatchNormalization after each pruned layer; ${without.join(', ')} of the parent ` +
        `(${model}) have none (${hint})`,
    )
  }
}

/** Units that may be removed from these groups when each keeps at least `minUnits` and loses at most `maxRatio` of its units. */
export function removableUnits(layers: readonly PruneGroup[], minUnits: number, maxRatio = 1): number {
  return layers.reduce((a, l) => a + removableOf(l, minUnits, maxRatio), 0)
}

function removableOf(l: PruneGroup, minUnits: number, maxRatio: number): number {
  return Math.max(0, Math.min(l.units - minUnits, Math.floor(maxRatio * l.units + 1e-9)))
}

/**
 * A scorer whose seed changes at every call, so `random` draws new scores at each step (and any
 * seeded criterion is reproducible from the run seed).
 */
export function reseeded(scorer: ImportanceScorer, seed: number): ImportanceScorer {
  let calls = 0
  return {
    name: scorer.name,
    needsData: scorer.needsData,
    score: (ctx) => scorer.score({ ...ctx, seed: deriveSeed(seed, `prune/score-${calls++}`) }),
  }
}

/**
 * Units to remove at each step, from the count-based targets (ratio, units) or, when only MACs,
 * params or an accuracy floor are set, everything removable (the loop stops at the target).
 * Targets that cannot be met without emptying a layer are refused here, before any work.
 */
export async function pruneSchedule(
  parent: tf.LayersModel,
  structure: PruneStructure,
  layers: readonly PruneGroup[],
  m: Pick<PruneMethod, 'target' | 'unitsPerStep' | 'minUnits'> & { roundTo?: PruneMethod['roundTo']; maxRatioPerLayer?: number },
): Promise<number[]> {
  const total = layers.reduce((a, l) => a + l.units, 0)
  if (m.roundTo !== undefined && typeof m.roundTo !== 'number') {
    const pruned = new Set(layers.flatMap((l) => [l.name, ...l.producers]))
    const unknown = Object.keys(m.roundTo).filter((name) => !pruned.has(name))
    if (unknown.length > 0) {
      throw new Error(
        `method.roundTo names ${unknown.map((n) => `'${n}'`).join(', ')}, not among the pruned layers: ${layers.map((l) => `'${l.name}'`).join(', ')}`,
      )
    }
  }
  const maxRatio = m.maxRatioPerLayer ?? 1
  const removable = removableUnits(layers, m.minUnits, maxRatio)
  const names = layers.map((l) => `'${l.name}' (${l.units})`).join(', ')
  const keep =
    `each of the ${layers.length} pruned layers [${names}] keeps at least minUnits = ${m.minUnits}` +
    (maxRatio < 1 ? ` and loses at most maxRatioPerLayer = ${maxRatio} of its units` : '')
  if (removable === 0) throw new Error(`nothing can be removed: ${keep}`)
  const { target } = m
  const counts: number[] = []
  if (target.ratio !== undefined) {
    const n = Math.floor(target.ratio * total + 1e-9)
    if (n === 0) throw new Error(`target.ratio ${target.ratio} of ${total} prunable units removes none`)
    if (n > removable) {
      throw new Error(
        `target.ratio ${target.ratio} would remove ${n} of ${total} units, which would remove every unit of a layer: ` +
          `${keep}, so at most ${removable} (a ratio of ${(removable / total).toFixed(3)}) can go`,
      )
    }
    counts.push(n)
  }
  if (target.units !== undefined) {
    if (target.units > removable) {
      throw new Error(
        `target.units ${target.units} would remove every unit of a layer: ${keep}, so at most ${removable} of ${total} can go`,
      )
    }
    counts.push(target.units)
  }
  if (target.macs !== undefined || target.params !== undefined) {
    // The smallest model the pruning can reach: every pruned layer down to minUnits.
    const plan: RemovalPlan = {}
    for (const l of layers) {
      const n = removableOf(l, m.minUnits, maxRatio)
      if (n > 0) plan[l.name] = Array.from({ length: n }, (_, i) => i)
    }
    // (A group through a Concatenate keeps one channel of each layer making part of it.)
    const smallest = await removeUnits(parent, keepEveryOwner(plan, structure, new Map()), structure)
    const { macs: minMacs, params: minParams } = modelStats(smallest)
    smallest.dispose()
    const { macs, params } = modelStats(parent)
    for (const [key, fraction, least, full] of [
      ['macs', target.macs, minMacs, macs],
      ['params', target.params, minParams, params],
    ] as const) {
      if (fraction !== undefined && least > fraction * full) {
        throw new Error(
          `target.${key} ${fraction} (${round(fraction * full)} of ${round(full)} ${key === 'macs' ? 'MACs' : 'parameters'}) ` +
            `cannot be reached without removing every unit of a layer: when ${keep}, the model still has ${round(least)}`,
        )
      }
    }
  }
  return iterativeCounts(counts.length > 0 ? Math.min(...counts) : removable, m.unitsPerStep)
}

/** `roundTo` keyed by group name (a spec may name any layer making a group's channels). */
export function groupRoundTo(structure: PruneStructure, roundTo: number | Record<string, number>): number | Record<string, number> {
  if (typeof roundTo === 'number') return roundTo
  const out: Record<string, number> = {}
  const namedBy: Record<string, string> = {}
  for (const [name, n] of Object.entries(roundTo)) {
    const group = findGroup(structure, name)?.name ?? name
    // The layers of a group keep one width (a residual Add needs equal shapes): one multiple each.
    if (out[group] !== undefined && out[group] !== n) {
      throw new Error(`method.roundTo gives '${namedBy[group]}' ${out[group]} and '${name}' ${n}, but they are one group ('${group}') and keep one width`)
    }
    out[group] = n
    namedBy[group] = name
  }
  return out
}

/** Why the iterative loop stopped, in words (`metric`: what the floor is on). */
export function stopReason(stoppedBy: 'schedule' | 'aborted' | 'accuracy-floor' | 'nothing-left', floor: number | undefined, metric: string): string {
  if (stoppedBy === 'accuracy-floor') return `the next step fell below the ${metric} floor ${floor}`
  if (stoppedBy === 'nothing-left') return 'every pruned layer is down to minUnits (or the least multiple of roundTo)'
  return 'the target was reached'
}
