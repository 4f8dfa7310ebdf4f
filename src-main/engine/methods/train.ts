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
    // A model trained further is named by its source, not by the spec's `model` (unused then).
    const from = m.kind === 'train' && m.from ? ('path' in m.from ? `file ${m.from.path}` : 'runId' in m.from ? `run #${m.from.runId}` : `run ${m.from.runKey}`) : null
    const stats = describeModel(ctx, model, `${task.kind === 'detection' ? 'detector' : 'model'} ${from ? `${model.name} from ${from}` : task.modelText()}`)
    ctx.sink.layers?.('before', stats.layers)
    const trained = await task.train({ model, phase: 'train' })
    await task.finish(model, { trained })
  } finally {
    model.dispose()
  }
}
