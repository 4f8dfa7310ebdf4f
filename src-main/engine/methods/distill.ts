/** Method `distill`: a student trained from a teacher's outputs (METHODS D1–D4). */
import type * as tf from '@tensorflow/tfjs'
import type { DistillRunMethod } from '../../../src-shared/spec/expand'
import { hintonObjective } from '../distill/hinton-objective'
import { loadTeacher } from '../distill/teacher-model'
import { buildModel } from '../models/build-model'
import { describeModel, evaluateOnTest, finishRun, trainWithSink, type MethodExecutor } from './context'

export const executeDistill: MethodExecutor<DistillRunMethod> = async (ctx) => {
  const { config, data, job, sink } = ctx
  const m = config.method
  const paths = job.teacherModelPaths ?? []
  if (paths.length !== 1) throw new Error(`a distillation run needs one teacher model, got ${paths.length}`)
  const model = buildModel(config.model, data.inputShape, data.numClasses, config.seed)
  let teacher: tf.LayersModel | null = null
  try {
    const stats = describeModel(ctx, model, `student ${config.model.arch}`)
    sink.layers?.('before', stats.layers)
    const loaded = await loadTeacher(paths[0], data.inputShape, data.numClasses)
    teacher = loaded.model
    if (loaded.note) sink.log('info', loaded.note)
    const t = await evaluateOnTest(ctx, teacher)
    sink.log('info', `teacher: ${t.errors} test errors (accuracy ${(t.accuracy * 100).toFixed(2)} %)`)
    const loss = hintonObjective(teacher, { temperature: m.temperature, alpha: m.alpha })
    const trained = await trainWithSink(ctx, { model, loss, phase: 'distill' })
    await finishRun(ctx, model, trained, { 'teacher.test.accuracy': t.accuracy, 'teacher.test.errors': t.errors })
  } finally {
    model.dispose()
    teacher?.dispose()
  }
}
