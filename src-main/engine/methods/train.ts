/**
 * Methods `train` (a classifier) and `detect` (a YOLO detector, METHODS D5): the run's model built
 * from its spec and trained on the labels with the task's loss (cross-entropy, the YOLO loss).
 */
import type { DetectRunMethod, TrainRunMethod } from '../../../src-shared/spec/expand'
import { describeModel, type MethodExecutor } from './context'

export const executeTrain: MethodExecutor<TrainRunMethod | DetectRunMethod> = async (ctx) => {
  const { task } = ctx
  const m = ctx.config.method
  // `from`: an imported (or earlier) model trained further, loaded and checked as a parent is.
  const model = m.kind === 'train' && m.from ? await task.loadParent() : task.buildModel()
  try {
    const stats = describeModel(ctx, model, `${task.kind === 'detection' ? 'detector' : 'model'} ${task.modelText()}`)
    ctx.sink.layers?.('before', stats.layers)
    const trained = await task.train({ model, phase: 'train' })
    await task.finish(model, { trained })
  } finally {
    model.dispose()
  }
}
