/**
 * Methods `train` (a classifier) and `detect` (a YOLO detector, METHODS D5): the run's model built
 * from its spec and trained on the labels with the task's loss (cross-entropy, the YOLO loss).
 */
import type { DetectRunMethod } from '../../../src-shared/spec/expand'
import { describeModel, type MethodExecutor } from './context'

export const executeTrain: MethodExecutor<{ kind: 'train' } | DetectRunMethod> = async (ctx) => {
  const { task } = ctx
  const model = task.buildModel()
  try {
    const stats = describeModel(ctx, model, `${task.kind === 'detection' ? 'detector' : 'model'} ${task.modelText()}`)
    ctx.sink.layers?.('before', stats.layers)
    const trained = await task.train({ model, phase: 'train' })
    await task.finish(model, { trained })
  } finally {
    model.dispose()
  }
}
