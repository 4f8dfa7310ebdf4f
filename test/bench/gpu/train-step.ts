/**
 * One configuration of `npm run bench:gpu` in its own process (a TF.js backend is process-wide):
 * training steps of a network at batch 128 on random inputs (throughput does not depend on the
 * values) with Adam, each step read back (so a step is timed to its end on the device), for at most
 * `seconds` after two warm-up steps (the first compiles the shaders on webgpu). Prints one JSON line.
 * Usage: train-step <webgpu|wasm|cpu> <mlp|lenet5|resnet20> [seconds] [maxSteps]
 */
import * as tf from '@tensorflow/tfjs'
import { describeActiveBackend, selectBackend } from '../../../src-main/engine/backend/select-backend'
import { pipelineStats } from '../../../src-main/engine/backend/webgpu-pipelines'
import { crossEntropy } from '../../../src-main/engine/train/cross-entropy'
import { buildBenchModel, GPU_BENCH_MODELS, INPUT_SHAPES, type GpuBenchModel } from './models'

export const BATCH = 128

export interface StepResult {
  backend: string
  /** The backend in words (webgpu: its adapter, software or hardware). */
  device: string
  model: GpuBenchModel
  batch: number
  steps: number
  samplesPerSec: number
  /** Wall time of the first step (shader compilation on webgpu) and of the second. */
  firstStepMs: number
  secondStepMs: number
  /** Pipelines compiled and their total compile time (webgpu), else null. */
  pipelines: { compiled: number; ms: number } | null
  /** Peak bytes the backend held for tensors: GPU memory allocated on webgpu, tensor bytes elsewhere. */
  peakBytes: number
  peakRssMb: number
}

interface GpuMemory extends tf.MemoryInfo {
  numBytesAllocatedInGPU?: number
}

export async function trainSteps(backendName: string, model: GpuBenchModel, seconds: number, maxSteps: number): Promise<StepResult> {
  const backend = await selectBackend(backendName)
  const net = buildBenchModel(model)
  const shape = INPUT_SHAPES[model]
  const x = tf.randomUniform([BATCH, ...shape])
  const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => (i * 7) % 10), 'int32')
  const optimizer: tf.Optimizer = tf.train.adam(1e-3)
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable)
  let peakBytes = 0
  const step = async (): Promise<number> => {
    const start = performance.now()
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.apply(x, { training: true }) as tf.Tensor2D, y), vars)
    optimizer.applyGradients(grads)
    await value.data()
    tf.dispose([value, ...Object.values(grads)])
    const m = tf.memory() as GpuMemory
    peakBytes = Math.max(peakBytes, m.numBytesAllocatedInGPU ?? m.numBytes)
    return performance.now() - start
  }
  const firstStepMs = await step()
  const secondStepMs = await step()
  let steps = 0
  const start = performance.now()
  while (steps < maxSteps && (performance.now() - start) / 1000 < seconds) {
    await step()
    steps++
  }
  const elapsed = (performance.now() - start) / 1000
  const compiled = pipelineStats()
  tf.dispose([x, y])
  optimizer.dispose()
  net.dispose()
  return {
    backend,
    device: describeActiveBackend(),
    model,
    batch: BATCH,
    steps,
    samplesPerSec: (steps * BATCH) / elapsed,
    firstStepMs,
    secondStepMs,
    pipelines: backend === 'webgpu' ? { compiled: compiled.compiled, ms: compiled.totalMs } : null,
    peakBytes,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }
}

const [backendArg, modelArg, secondsArg, stepsArg] = process.argv.slice(2)
if (backendArg && modelArg) {
  if (!(GPU_BENCH_MODELS as readonly string[]).includes(modelArg)) throw new Error(`unknown model ${modelArg}`)
  trainSteps(backendArg, modelArg as GpuBenchModel, Number(secondsArg ?? 20), Number(stepsArg ?? 1000)).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n')
      process.exit(0)
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`)
      process.exit(1)
    },
  )
}
