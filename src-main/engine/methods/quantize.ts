/**
 * Method `quantize` (METHODS Q1): the parent's kernels quantized (int8 per channel, uint8 per
 * tensor, float16), activations optionally quantized with calibrated ranges, optionally fine-tuned
 * with quantization-aware training; the model as the lab runs it (dequantized weights,
 * fake-quantized activations) evaluated, and the same model exported as QDQ ONNX and evaluated
 * by ONNX Runtime. Compression is judged on the weights as stored (int8 values plus scales):
 * the model's structure is the same before and after.
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { exportOnnx } from '../export/onnx/export-onnx'
import { ortAccuracy, ortSession } from '../measure/ort-session'
import { ortLatencies, ortLatencyResults } from '../measure/ort-latency'
import { originResults, readLineage, writeLineage } from '../models/lineage'
import { withFakeQuant } from '../quantize/fake-quant'
import { weightBytes } from '../quantize/quantize-model'
import { calibrate, calibrationInput, quantizeWeights, writeQuantizedArtifacts } from '../quantize/quantize-run'
import { classificationTask, round, type MethodExecutor } from './context'
import { interleavedTimings } from './prune-latency'
import { LATENCY_BATCH, reportParent, withParent } from './pruned-run'

type QuantizeMethod = Extract<RunMethod, { kind: 'quantize' }>

/** Per-layer weight bytes as results (`layer.bytes.<layer>`), under `prefix`. */
const layerBytes = (layers: ReadonlyMap<string, number>, prefix = ''): Record<string, number> =>
  Object.fromEntries([...layers].map(([name, bytes]) => [`${prefix}layer.bytes.${name}`, bytes]))

export const executeQuantize: MethodExecutor<QuantizeMethod> = async (ctx) => {
  const task = classificationTask(ctx)
  const m = ctx.config.method
  const { sink } = ctx
  const inputShape = task.data.inputShape
  await withParent(ctx, async (parent) => {
    const before = await reportParent(ctx, parent)
    const parentOnnx = await exportOnnx(parent)
    const parentWeights = weightBytes(parent)
    const model = await task.loadParent()
    const x = m.activations === 'static' ? calibrationInput(task, m, ctx.config.seed) : null
    let evaluated: tf.LayersModel | null = null
    try {
      const q = await quantizeWeights(model, m, x, (training, onStepEnd) => {
        sink.log('info', `quantization-aware training: ${m.qatEpochs} epochs, ${m.scheme} weights (straight-through)${m.activations === 'static' ? ', fake-quantized activations' : ''}`)
        return task.train({ model: training, training: { epochs: m.qatEpochs }, phase: 'qat', metricPrefix: 'qat.', onStepEnd })
      })
      const activations = await calibrate(model, m, x)
      evaluated = activations.size ? withFakeQuant(model, activations) : model
      const onnx = await exportOnnx(model, { kernels: q.kernels, activations, docString: `compression-lab run ${ctx.job.runId}: ${m.scheme} weights, ${m.activations} activations` })
      const files = writeQuantizedArtifacts(ctx.job.artifactDir, onnx.bytes, { scheme: m.scheme, activations: Object.fromEntries(activations) })
      sink.artifact({ kind: 'onnx', ...files.onnx })
      sink.artifact({ kind: 'quantization', ...files.quantization })

      const session = await ortSession(onnx.bytes)
      const ortTest = await ortAccuracy(session, task.testSplit, inputShape).finally(() => session.release())
      const stored = weightBytes(model, q.kernels)
      const latencyInput = task.inputBatch(LATENCY_BATCH)
      const timings = await interleavedTimings([parent, evaluated], latencyInput).finally(() => latencyInput.dispose())
      const [parentOrt, childOrt] = await ortLatencies([parentOnnx.bytes, onnx.bytes], task.testSplit.x, inputShape)
      const results: Record<string, number> = {
        ...before.evaluation.results('parent.test'),
        'ort.test.accuracy': ortTest,
        'weights.bytes': stored.total,
        'parent.weights.bytes': parentWeights.total,
        'weights.compression': parentWeights.total / stored.total,
        'parent.model.bytes': parentOnnx.bytes.byteLength,
        ...layerBytes(stored.layers),
        ...layerBytes(parentWeights.layers, 'parent.'),
        'latency.ms': timings.wallMs[1],
        'parent.latency.ms': timings.wallMs[0],
        'latency.cpu.ms': timings.cpuMs[1],
        'parent.latency.cpu.ms': timings.cpuMs[0],
        'latency.batch': Math.min(LATENCY_BATCH, task.testSplit.n),
        speedup: timings.wallMs[0] / timings.wallMs[1],
        ...ortLatencyResults(parentOrt, childOrt),
      }
      sink.log(
        'info',
        `quantized (${m.scheme} weights, ${m.activations} activations): weights ${round(parentWeights.total, 0)} → ${round(stored.total, 0)} bytes ` +
          `(${(parentWeights.total / stored.total).toFixed(2)}×); ONNX Runtime test accuracy ${(ortTest * 100).toFixed(2)} %`,
      )
      const huffman = weightBytes(model, q.kernels, true).total
      results['weights.huffman.bytes'] = huffman
      const test = await task.finish(model, { trained: q.trained, results, evaluated })
      // Deep Compression's ratio is against the chain's original model (the unpruned parent of a pruned stage).
      const origin = readLineage(ctx.job.parentModelPath) ?? { weightsBytes: parentWeights.total, params: before.params, metric: before.evaluation.metric, metricName: task.metric }
      sink.artifact({ kind: 'lineage', ...writeLineage(ctx.job.artifactDir, origin) })
      sink.result({
        // The run's model files are the exported ONNX model (the TF.js one holds float32 values).
        'model.bytes': onnx.bytes.byteLength,
        'accuracy.change': test.metric - before.evaluation.metric,
        ...originResults(origin, stored.total, test.metric),
        'origin.compression.huffman': origin.weightsBytes / huffman,
      })
    } finally {
      x?.dispose()
      if (evaluated !== model) evaluated?.dispose()
      model.dispose()
    }
  })
}
