/** What expansion produces: the runs of a launch, each with its config and dependencies. */
import type { PathValue } from './path-field'
import type { DatasetSpec, ExperimentSpec, MethodSpec, ModelSpec, TrainingSpec } from './schema'

export type RunRole = 'model' | 'teacher' | 'baseline' | 'student' | 'parent' | 'pruned'

/**
 * A model a run starts from or learns from: a run of the same launch (by key, replaced by its id
 * at launch), an earlier run (by id), or an imported TF.js `model.json` (by path).
 */
export type ModelRef = { runKey: string } | { runId: number } | { path: string }

type DistillSpec = Extract<MethodSpec, { kind: 'distill' }>
type WithParent<M> = M extends { parent: unknown } ? Omit<M, 'parent'> & { parent: ModelRef } : never

/** A distillation as a run executes it: one teacher, or several whose logits are averaged. */
export type DistillRunMethod = Omit<DistillSpec, 'teacher' | 'baseline'> & { teacher: ModelRef[] }
/** A pruning-family method as a run executes it: the parent model resolved to a reference. */
export type PruneRunMethod = WithParent<MethodSpec>

type DetectDistillSpec = Extract<MethodSpec, { kind: 'detect-distill' }>
/** A detector distillation as a run executes it: the teacher resolved to a reference. */
export type DetectDistillRunMethod = Omit<DetectDistillSpec, 'teacher' | 'baseline'> & { teacher: ModelRef }
export type DetectRunMethod = Extract<MethodSpec, { kind: 'detect' }>

/** Method `train` as a run executes it: from scratch, or from an imported (or earlier) model. */
export type TrainRunMethod = { kind: 'train'; from?: ModelRef }

export type RunMethod = TrainRunMethod | DistillRunMethod | PruneRunMethod | DetectRunMethod | DetectDistillRunMethod

/** Everything the engine needs to execute one run; stored flattened as the run's params. */
export interface RunConfig {
  dataset: DatasetSpec
  model: ModelSpec
  training: TrainingSpec
  method: RunMethod
  seed: number
}

export interface RunPlan {
  /** Unique within the launch; dependencies refer to it. */
  key: string
  role: RunRole
  /** Human-readable name, e.g. `student T=4 seed 1`. */
  label: string
  seed: number
  config: RunConfig
  /** Keys of runs of the same launch that must finish first. */
  dependsOn: string[]
  /** The grid values that produced this run (empty for shared teacher/baseline runs). */
  sweepPoint: Record<string, unknown>
}

export interface ExpansionIssue {
  path: string
  message: string
}

export type ExpansionResult =
  | {
      ok: true
      spec: ExperimentSpec
      runs: RunPlan[]
      /** Every file and folder the runs name (each path field of every grid point, once). */
      paths: PathValue[]
    }
  | { ok: false; issues: ExpansionIssue[] }
