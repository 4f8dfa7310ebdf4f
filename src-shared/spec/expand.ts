/**
 * Expansion of an experiment spec into runs: a pure function (DESIGN §3).
 *
 * grid axes × seeds → configurations; a distillation adds the teacher runs it needs (one per
 * distinct teacher configuration and seed, shared by every student that uses it; an ensemble adds
 * one per member) and, when `baseline` is on, the student trained alone (one per distinct student
 * configuration and seed). A pruning method with `parent.source = train` adds the unpruned parent
 * run the same way (shared by every pruning run of that seed and configuration).
 */
import { gridConfigs } from './expand-grid'
import { methodRun } from './method-runs'
import { pathValues, type PathValue } from './path-field'
import type { ExpansionResult, RunPlan, RunRole } from './run-plan'
import { modelSpecName } from './model-name'
import { pointLabel } from './run-labels'
import { experimentSpecSchema, type ExperimentSpec } from './schema'
import { sharedRuns } from './shared-runs'
import { zodIssues } from './spec-text'

export * from './run-plan'
export type { PathValue } from './path-field'
export { flattenParams, stableStringify, zodIssues } from './spec-text'
export { mapModelRefs, modelRefs, modelRefText, runParams } from './model-refs'

/**
 * Validates a spec and expands it into the runs to launch. Never throws on bad input: every
 * problem comes back as an issue naming its path.
 */
export function expandSpec(input: unknown): ExpansionResult {
  const parsed = experimentSpecSchema.safeParse(input)
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) }
  const spec = parsed.data

  const grid = gridConfigs(spec)
  if (!grid.ok) return grid
  const { axes, configs } = grid

  const runs: RunPlan[] = []
  const shared = sharedRuns(runs)
  let next = 0
  for (const seed of spec.sweep.seeds) {
    for (const { point, spec: s } of configs) {
      const label = pointLabel(point, axes)
      const { role, name, method, dependsOn } = methodRun(s, point, label, seed, shared)
      runs.push({
        key: `run-${next++}`,
        role,
        label: name,
        seed,
        config: { dataset: s.dataset, model: s.model, training: s.training, method, seed },
        dependsOn,
        sweepPoint: point,
      })
    }
  }
  nameSharedRunsApart(runs)
  // Teachers first, then baselines, then the rest: the queue order a user expects.
  const order: Record<RunRole, number> = { teacher: 0, parent: 0, baseline: 1, model: 2, student: 2, pruned: 2 }
  runs.sort((a, b) => order[a.role] - order[b.role])
  return { ok: true, spec, runs, paths: gridPaths(configs.map((c) => c.spec)) }
}

/**
 * Shared runs of one seed that read the same (`student alone seed 0` twice, when the grid sweeps
 * the student) are named by their model: `student alone mlp 16 seed 0`, `student alone mlp 8 seed 0`.
 */
function nameSharedRunsApart(runs: RunPlan[]): void {
  const byLabel = new Map<string, RunPlan[]>()
  for (const r of runs) if (r.role === 'teacher' || r.role === 'baseline' || r.role === 'parent') byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r])
  for (const [label, same] of byLabel) {
    if (same.length < 2) continue
    for (const r of same) {
      const name = modelSpecName(r.config.model as unknown as Record<string, unknown>)
      const what = label.replace(/ seed \d+$/, '')
      r.label = what.includes(name) ? label : `${what.replace(/^(teacher|unpruned) \S+$/, '$1')} ${name} seed ${r.seed}`
    }
  }
}

/** The path fields of every grid point's spec, each (field, value) once. */
function gridPaths(specs: readonly ExperimentSpec[]): PathValue[] {
  const seen = new Map<string, PathValue>()
  for (const s of specs)
    for (const p of pathValues(experimentSpecSchema, s)) seen.set(`${p.path}\0${p.value}`, p)
  return [...seen.values()]
}
