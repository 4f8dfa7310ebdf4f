/**
 * How the teachers and students of distillation runs read in every table (the teacher × student
 * matrix of `complab export --matrix teacher-student` and `compare.matrix`, and the `teacher` and
 * `student` parameters the Sweeps pivot derives): a model by its architecture (`mlp 800-800`,
 * `lenet5 6-16`), never by the run that trained it (`run #16`). One implementation for both.
 */
import { stableStringify } from '../../../src-shared/spec/expand'
import { modelName } from '../../../src-shared/spec/model-name'
import type { AnalysisRun } from './run'

export { modelName }

/** What identifies a trained model apart from its seed: its architecture and its training. */
export function modelIdentity(params: Record<string, unknown>): string {
  const own = Object.entries(params).filter(([k]) => k.startsWith('model.') || k.startsWith('training.'))
  return stableStringify(Object.fromEntries(own))
}

/** Names for identities, made unique by a counter when two differ but read the same. */
function namer(): (identity: string, name: string) => string {
  const byIdentity = new Map<string, string>()
  const used = new Map<string, number>()
  return (identity, name) => {
    const known = byIdentity.get(identity)
    if (known) return known
    const count = (used.get(name) ?? 0) + 1
    used.set(name, count)
    const unique = count === 1 ? name : `${name} (${count})`
    byIdentity.set(identity, unique)
    return unique
  }
}

export interface DistillNames {
  /** A `method.teacher` reference as it reads: `mlp 32`, `mlp 32 + lenet5 6-16` (an ensemble), `file teachers/m.json`. */
  teacherOf(ref: string): string
  /** A student (any run) by its model: `mlp 16`; two different trainings of `mlp 16` read `mlp 16 (2)`. */
  studentOf(params: Record<string, unknown>): string
}

/** Names for the teachers among `teachers` (runs referred to as `run #id`) and for students. */
export function distillNames(teachers: Iterable<Pick<AnalysisRun, 'id' | 'params'>>): DistillNames {
  const teacherName = namer()
  const studentName = namer()
  const teacherRuns = new Map<number, string>()
  for (const r of teachers) teacherRuns.set(r.id, teacherName(modelIdentity(r.params), modelName(r.params)))
  return {
    // "run #3 + run #4" (an ensemble) or "file teachers/model.json": named by the runs it refers to.
    teacherOf: (ref) =>
      ref
        .split(' + ')
        .map((part) => {
          const m = /^run #(\d+)$/.exec(part.trim())
          return m ? (teacherRuns.get(Number(m[1])) ?? part.trim()) : part.trim()
        })
        .join(' + '),
    studentOf: (params) => studentName(modelIdentity(params), modelName(params)),
  }
}
