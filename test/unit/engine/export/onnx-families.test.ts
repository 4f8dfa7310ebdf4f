/**
 * Every model family the lab builds exports to ONNX and runs in ONNX Runtime with the lab's
 * outputs (issue 19, "Done when"): MLP, LeNet-5, a custom list with batch norm, ResNet (residual
 * Add, BN folded), VGG, MobileNetV2 (depthwise, ReLU6, inverted residuals) and both detectors
 * (Tiny-YOLO with leaky ReLU, the dense-stacked student with space-to-depth and concatenate),
 * small sizes, seeded weights and batch-norm statistics; within 1e-4 of the largest output.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { buildDetector } from '../../../../src-main/engine/tasks/detection-setup'
import { detectionModelSpecSchema, modelSpecSchema } from '../../../../src-shared/spec/schema'
import { compareWithOrt, maxDiff } from '../../../helpers/onnx-compare'

/** Non-trivial batch-norm statistics (a fresh model's are 0 and 1, which hides a wrong fold). */
function perturbBatchNorm(model: tf.LayersModel): void {
  let seed = 1
  for (const w of model.weights) {
    if (!/moving_mean|moving_variance|gamma|beta/.test(w.originalName)) continue
    const positive = /moving_variance|gamma/.test(w.originalName)
    w.write(tf.randomUniform(w.shape as number[], positive ? 0.5 : -0.3, positive ? 1.5 : 0.3, 'float32', seed++))
  }
}

const classifiers: Record<string, unknown> = {
  mlp: { arch: 'mlp', hidden: [16] },
  lenet5: { arch: 'lenet5' },
  custom: { arch: 'custom', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'batchNorm' }, { type: 'maxPool2d', poolSize: 2 }, { type: 'flatten' }, { type: 'dense', units: 8 }] },
  resnet: { arch: 'resnet', depth: 8, widths: [4, 8, 8] },
  vgg: { arch: 'vgg', depth: 11, widthMultiplier: 0.0625, head: [16] },
  mobilenetv2: { arch: 'mobilenetv2', widthMultiplier: 0.25, lastChannels: 32 },
}

describe('ONNX export of every model family', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  for (const [arch, spec] of Object.entries(classifiers)) {
    it(`${arch} on 28×28 digits`, async () => {
      const model = buildModel(modelSpecSchema.parse(spec), [28, 28, 1], 10, 5)
      perturbBatchNorm(model)
      const { lab, onnx } = await compareWithOrt(model, 2)
      expect(maxDiff(lab, onnx)).toBeLessThan(1e-4 * Math.max(1, ...Array.from(lab, Math.abs)))
      model.dispose()
    })
  }

  for (const arch of ['tinyYolo', 'denseStackedStudent'] as const) {
    it(`${arch} on 32×32 shapes`, async () => {
      const spec = detectionModelSpecSchema.parse(arch === 'tinyYolo' ? { arch, filters: [4, 8, 8], gridFilters: [8] } : { arch })
      const model = buildDetector(spec, [32, 32, 3], { gridSize: 4, anchors: [[0.2, 0.3], [0.5, 0.4]], numClasses: 3 }, 6)
      perturbBatchNorm(model)
      const { lab, onnx, dims } = await compareWithOrt(model, 2)
      expect(dims).toEqual([2, 4, 4, 13])
      expect(maxDiff(lab, onnx)).toBeLessThan(1e-4 * Math.max(1, ...Array.from(lab, Math.abs)))
      model.dispose()
    })
  }
})
