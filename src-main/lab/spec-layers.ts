/**
 * `specs.layers`: the prunable layers of the model a spec prunes (issue 18 item 14), for the launch
 * form's layer picker (`method.layers`, and the names `roundTo` and Singh's `phases` take). Only
 * the spec's shape must be valid: a misnamed layer is what the picker is there to fix. Paths are
 * confined first, as a launch's are, before the dataset's header is read.
 */
import type { MethodOutputs } from '../../src-shared/contract'
import { expandSpec } from '../../src-shared/spec/expand'
import type { Store } from '../store/index'
import { plannedPrunableLayers } from './engine-api'
import { parentModelOf, sweepSizeIssue, type LaunchRules } from './launch'
import { confinedPathIssues } from './path-rules'

export function specLayers(store: Store, dataDir: string, spec: unknown, rules: LaunchRules = {}): MethodOutputs['specs.layers'] {
  const refused = (reason: string): MethodOutputs['specs.layers'] => ({ layers: [], reason })
  const tooBig = sweepSizeIssue(spec)
  if (tooBig) return refused(tooBig.message)
  const expanded = expandSpec(spec)
  if (!expanded.ok) return refused('the spec has problems: the layers are listed once they are fixed')
  const paths = rules.confinePaths ? confinedPathIssues(dataDir, expanded.paths) : []
  if (paths.length) return refused(`${paths[0].path}: ${paths[0].message}`)
  const pruned = expanded.runs.find((r) => 'parent' in r.config.method)
  if (!pruned) return refused(`method ${expanded.spec.method.kind} prunes no layers`)
  const planned = plannedPrunableLayers(pruned.config, dataDir, parentModelOf(store, pruned))
  if ('reason' in planned) return refused(planned.reason)
  return { layers: planned.layers.map((l) => ({ name: l.name, units: l.units })), reason: null }
}
