/**
 * Per-method expansion: what one grid point and seed becomes for each method kind (its role,
 * name and the method as the run executes it, with teachers and parent resolved to references).
 */
import type { ExperimentSpec } from './schema'
import type { ModelRef, PruneRunMethod, RunMethod, RunRole } from './run-plan'
import type { SharedRuns } from './shared-runs'

export interface MethodRun {
  role: RunRole
  name: string
  method: RunMethod
  /** Keys of the shared runs it depends on. */
  dependsOn: string[]
}

/** The run of spec `s` at one grid point (`point`, labelled `label`) and seed. */
export function methodRun(
  s: ExperimentSpec,
  point: Record<string, unknown>,
  label: string,
  seed: number,
  shared: SharedRuns,
): MethodRun {
  const suffix = `${label ? label + ' ' : ''}seed ${seed}`
  const m = s.method
  const dependsOn: string[] = []
  if (m.kind === 'train') {
    const from = m.from && (m.from.source === 'import' ? { path: m.from.path } : { runId: m.from.runId })
    return { role: 'model', name: suffix, method: from ? { kind: 'train', from } : { kind: 'train' }, dependsOn }
  }
  if (m.kind === 'detect') return { role: 'model', name: suffix, method: m, dependsOn }
  if (m.kind === 'detect-distill') {
    const teacher = shared.teacherRef(s, m.teacher, seed, dependsOn)
    if (m.baseline) shared.addBaseline(s, seed)
    const { baseline: _baseline, teacher: _teacher, ...rest } = m
    return { role: 'student', name: `student ${suffix}`, method: { ...rest, teacher }, dependsOn }
  }
  if (m.kind === 'distill') {
    const members = m.teacher.source === 'ensemble' ? m.teacher.members : [m.teacher]
    const teacher = members.map((t) => shared.teacherRef(s, t, seed, dependsOn))
    if (m.baseline) shared.addBaseline(s, seed)
    const { baseline: _baseline, teacher: _teacher, ...rest } = m
    return { role: 'student', name: `student ${suffix}`, method: { ...rest, teacher }, dependsOn }
  }
  let parent: ModelRef
  if (m.parent.source === 'stage') {
    // A nested stage is a run of its own (shared by every quantize run of its seed that names the
    // same stage), linked to its own parent; this run's parent is the stage's model.
    const stage = methodRun({ ...s, method: m.parent.method }, point, label, seed, shared)
    parent = shared.stageRef(s, stage, seed, dependsOn)
  } else {
    parent = shared.parentRef(s, m.parent, seed, dependsOn)
  }
  const method = { ...m, parent } as PruneRunMethod
  // The criterion goes in the name unless the sweep already shows it.
  // A label that already starts with the method (a sweep over method objects) is not repeated.
  const named = label.startsWith(`${m.kind} `) || label === m.kind
  const prune = m.kind === 'prune'
  const name = named
    ? prune && !label.includes('criterion=')
      ? `prune ${m.criterion}${suffix.slice(m.kind.length)}`
      : suffix
    : prune && !('method.criterion' in point)
      ? `prune ${m.criterion} ${suffix}`
      : `${m.kind} ${suffix}`
  return { role: 'pruned', name, method, dependsOn }
}
