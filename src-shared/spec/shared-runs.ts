/**
 * The runs a launch adds for its methods to depend on: teachers, the student trained alone
 * (baseline) and unpruned parents. Each is shared by every run that needs the same one (same
 * configuration and seed), so a sweep trains a teacher once.
 */
import {
  isDetectionDataset,
  trainingSpecSchema,
  type ExperimentSpec,
  type ModelSpec,
  type ParentSpec,
  type SingleTeacherSpec,
} from './schema'
import type { ModelRef, RunConfig, RunPlan } from './run-plan'
import { stableStringify } from './spec-text'

export interface SharedRuns {
  /** A teacher member as a reference, adding the shared run that trains it when needed. */
  teacherRef(s: ExperimentSpec, t: SingleTeacherSpec, seed: number, dependsOn: string[]): ModelRef
  /** The unpruned parent as a reference, adding the shared run that trains it when needed. */
  parentRef(s: ExperimentSpec, parent: ParentSpec, seed: number, dependsOn: string[]): ModelRef
  /** The student trained alone on the labels, shared by every distillation of that seed. */
  addBaseline(s: ExperimentSpec, seed: number): void
  /** A nested stage (a pruning run a quantize run starts from) as a reference, added once per configuration and seed. */
  stageRef(s: ExperimentSpec, stage: StageRun, seed: number, dependsOn: string[]): ModelRef
}

/** A stage as `methodRun` made it: its name, its method with its parent resolved, its dependencies. */
export interface StageRun {
  name: string
  method: RunConfig['method']
  dependsOn: string[]
}

/** Shared runs, appended to `runs` as they are first needed. */
export function sharedRuns(runs: RunPlan[]): SharedRuns {
  const sharedKeys = new Map<string, string>()
  const counters = { teacher: 0, baseline: 0, parent: 0, stage: 0 }

  const addShared = (
    kind: 'teacher' | 'baseline' | 'parent',
    config: RunConfig,
    label: string,
    seed: number,
  ): string => {
    const id = `${kind}:${stableStringify(config)}`
    const existing = sharedKeys.get(id)
    if (existing) return existing
    const key = `${kind}-${counters[kind]++}`
    sharedKeys.set(id, key)
    runs.push({ key, role: kind, label, seed, config, dependsOn: [], sweepPoint: {} })
    return key
  }
  /** A reference to a shared run that trains this config, which the calling run depends on. */
  const trainedRef = (
    kind: 'teacher' | 'parent',
    config: RunConfig,
    label: string,
    seed: number,
    dependsOn: string[],
  ): ModelRef => {
    const key = addShared(kind, config, label, seed)
    dependsOn.push(key)
    return { runKey: key }
  }

  // A shared teacher/baseline/parent run trains on the labels: `detect` for a detector distillation.
  const trainConfig = (s: ExperimentSpec, model: ModelSpec, overrides: object | undefined, seed: number): RunConfig => ({
    dataset: s.dataset,
    model,
    training: trainingSpecSchema.parse({ ...s.training, ...(overrides ?? {}) }),
    method: s.method.kind === 'detect-distill' ? { kind: 'detect', previews: s.method.previews } : isDetectionDataset(s.dataset) ? { kind: 'detect', previews: 3 } : { kind: 'train' },
    seed,
  })

  return {
    teacherRef(s, t, seed, dependsOn) {
      if (t.source === 'run') return { runId: t.runId }
      if (t.source === 'import') return { path: t.path }
      const hidden = t.model.arch === 'mlp' ? ` ${t.model.hidden.join('-')}` : ''
      const label = `teacher ${t.model.arch}${hidden} seed ${seed}`
      return trainedRef('teacher', trainConfig(s, t.model, t.training, seed), label, seed, dependsOn)
    },
    parentRef(s, parent, seed, dependsOn) {
      if (parent.source === 'run') return { runId: parent.runId }
      if (parent.source === 'import') return { path: parent.path }
      const config = trainConfig(s, s.model, parent.training, seed)
      return trainedRef('parent', config, `unpruned ${s.model.arch} seed ${seed}`, seed, dependsOn)
    },
    stageRef(s, stage, seed, dependsOn) {
      const config: RunConfig = { dataset: s.dataset, model: s.model, training: s.training, method: stage.method, seed }
      const id = `stage:${stableStringify(config)}`
      let key = sharedKeys.get(id)
      if (key === undefined) {
        key = `stage-${counters.stage++}`
        sharedKeys.set(id, key)
        runs.push({ key, role: 'pruned', label: stage.name, seed, config, dependsOn: stage.dependsOn, sweepPoint: {} })
      }
      dependsOn.push(key)
      return { runKey: key }
    },
    addBaseline(s, seed) {
      const config = trainConfig(s, s.model, undefined, seed)
      addShared('baseline', config, `student alone seed ${seed}`, seed)
    },
  }
}
