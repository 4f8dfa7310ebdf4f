/**
 * The task of a run, from its dataset: classification (labelled examples, accuracy) or detection
 * (images with boxes, mAP). Methods read `ctx.task`; the few that exist for one task only narrow
 * it by `kind`.
 */
import { isDetectionDataset } from '../../../src-shared/spec/schema'
import { createClassificationTask, type ClassificationTask } from './classification'
import { createDetectionTask, type DetectionTask } from './detection'
import type { TaskRun } from './task'

export type AnyTask = ClassificationTask | DetectionTask
export type { ClassificationTask, DetectionTask }
export type { RunTask, SinkWithLayers, TaskEvaluation, TaskKind, TaskRun, TaskSplit, TaskTeacher, TaskTraining } from './task'

/** Loads the run's data and returns its task. */
export function createTask(run: TaskRun): AnyTask {
  return isDetectionDataset(run.config.dataset) ? createDetectionTask(run) : createClassificationTask(run)
}
