/** Method `train`: the model trained on the labels with cross-entropy. */
import { buildModel } from '../models/build-model'
import { crossEntropyLoss } from '../train/cross-entropy'
import { describeModel, finishRun, trainWithSink, type MethodExecutor } from './context'

export const executeTrain: MethodExecutor<{ kind: 'train' }> = async (ctx) => {
  const { config, data } = ctx
  const model = buildModel(config.model, data.inputShape, data.numClasses, config.seed)
  try {
    const stats = describeModel(ctx, model, `model ${config.model.arch}`)
    ctx.sink.layers?.('before', stats.layers)
    const trained = await trainWithSink(ctx, { model, loss: crossEntropyLoss, phase: 'train' })
    await finishRun(ctx, model, trained)
  } finally {
    model.dispose()
  }
}
