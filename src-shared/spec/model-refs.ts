/** Model references of a run's method (teachers, parent): as text, listed, mapped. */
import type { ModelRef, RunConfig, RunMethod, RunPlan } from './run-plan'
import { flattenParams } from './spec-text'

/** A model reference as people read it: `run #12`, `file teachers/model.json`, `launch key teacher-0`. */
export function modelRefText(ref: ModelRef): string {
  if ('runId' in ref) return `run #${ref.runId}`
  if ('path' in ref) return `file ${ref.path}`
  return `launch key ${ref.runKey}`
}

/**
 * The flattened, fully resolved parameters stored with a run (`method.temperature`, …). Model
 * references read as text (`method.teacher: run #3 + run #4` for an ensemble), so that two runs
 * with different teachers differ in one readable cell.
 */
export function runParams(plan: RunPlan): Record<string, unknown> {
  const params: Record<string, unknown> = { role: plan.role, ...flattenParams(plan.config) }
  const { teachers, parent } = modelRefs(plan.config.method)
  if (teachers.length) params['method.teacher'] = teachers.map(modelRefText).join(' + ')
  if (parent) {
    // A pruning run's parent, or the model `train` goes on from (`method.from`).
    const key = plan.config.method.kind === 'train' ? 'method.from' : 'method.parent'
    for (const k of Object.keys(params)) if (k.startsWith(`${key}.`)) delete params[k]
    params[key] = modelRefText(parent)
  }
  return params
}

/** The models a run reads: its teachers (distillation) and its parent (pruning methods). */
export function modelRefs(method: RunMethod): { teachers: ModelRef[]; parent: ModelRef | null } {
  if (method.kind === 'distill') return { teachers: method.teacher, parent: null }
  if (method.kind === 'detect-distill') return { teachers: [method.teacher], parent: null }
  if ('parent' in method) return { teachers: [], parent: method.parent }
  // A model trained further (`train` from an imported model) is read as a parent is.
  if (method.kind === 'train' && method.from) return { teachers: [], parent: method.from }
  return { teachers: [], parent: null }
}

/** The same config with every model reference passed through `f` (e.g. launch keys → run ids). */
export function mapModelRefs(config: RunConfig, f: (ref: ModelRef) => ModelRef): RunConfig {
  const m = config.method
  if (m.kind === 'distill') return { ...config, method: { ...m, teacher: m.teacher.map(f) } }
  if (m.kind === 'detect-distill') return { ...config, method: { ...m, teacher: f(m.teacher) } }
  if ('parent' in m) return { ...config, method: { ...m, parent: f(m.parent) } }
  if (m.kind === 'train' && m.from) return { ...config, method: { ...m, from: f(m.from) } }
  return config
}
