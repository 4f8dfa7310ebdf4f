/**
 * Method `detect-distill` (METHODS D5): a student detector distilled from a detector teacher with
 * the Mehta–Ozturk loss (objectness-scaled terms, optional FM-NMS on the teacher's outputs), on the
 * labelled images and, with `useUnlabelled`, the dataset's unlabelled ones (teacher terms only).
 */
import type * as tf from '@tensorflow/tfjs'
import type { DetectDistillRunMethod } from '../../../src-shared/spec/expand'
import { headChannels } from '../detect'
import { loadCheckedModel } from '../models/model-files'
import { describeModel, detectionTask, type MethodExecutor } from './context'

export const executeDetectDistill: MethodExecutor<DetectDistillRunMethod> = async (ctx) => {
  const task = detectionTask(ctx)
  const m = ctx.config.method
  const model = task.buildModel()
  let teacher: tf.LayersModel | null = null
  try {
    const stats = describeModel(ctx, model, `detector ${task.modelText()}`)
    ctx.sink.layers?.('before', stats.layers)
    const path = ctx.job.teacherModelPaths?.[0]
    if (!path) throw new Error('detect-distill: the run has no teacher model')
    teacher = await loadCheckedModel(path, 'teacher')
    const channels = teacher.outputs[0].shape[3]
    if (channels !== headChannels(task.head)) {
      throw new Error(`detect-distill: the teacher outputs ${channels} channels per cell, the student's head ${headChannels(task.head)} (same classes and anchors needed)`)
    }
    if (m.useUnlabelled && !(task.data.unlabelled && task.data.unlabelled.n > 0)) ctx.sink.log('warn', 'useUnlabelled: the dataset has no unlabelled images')
    const trained = await task.train({
      model,
      phase: 'distill',
      teacher: { model: teacher },
      distill: { lambdaD: m.lambdaD, objectnessScaling: m.objectnessScaling, fmNms: m.fmNms, fmNmsK: m.fmNmsK },
      unlabelled: m.useUnlabelled,
    })
    await task.finish(model, { trained })
  } finally {
    model.dispose()
    teacher?.dispose()
  }
}
