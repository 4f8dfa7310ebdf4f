/**
 * Which task each method kind runs on (no TensorFlow here: the launch-time checks read it). The
 * pruning methods are written once against `RunTask` and run on classifiers and detectors alike;
 * `train`/`distill` are the classification twins of `detect`/`detect-distill`.
 */
import type { RunMethod } from '../../../src-shared/spec/expand'

/** The tasks a run can have. */
export type TaskKind = 'classification' | 'detection'

const BOTH: readonly TaskKind[] = ['classification', 'detection']

export const METHOD_TASKS: Record<RunMethod['kind'], readonly TaskKind[]> = {
  train: ['classification'],
  distill: ['classification'],
  detect: ['detection'],
  'detect-distill': ['detection'],
  prune: BOTH,
  singh: BOTH,
  magnitude: BOTH,
  slimming: BOTH,
  sensitivity: BOTH,
  // ONNX Runtime's accuracy is read on a classifier's labels (a detector's mAP through ORT is not written yet).
  quantize: ['classification'],
}

/** The method kinds that run on a task, for messages (`detect, detect-distill, prune, …`). */
export function methodsFor(task: TaskKind): string[] {
  return Object.entries(METHOD_TASKS)
    .filter(([, tasks]) => tasks.includes(task))
    .map(([kind]) => kind)
}
