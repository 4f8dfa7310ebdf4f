/**
 * The detectors meet the pruning engine (METHODS P3 on a detector, issue 7 item 5): the Tiny-YOLO
 * teacher's conv filters, detection head included, are prunable with the existing structure
 * analysis and surgery (conv → batch norm → leaky ReLU → pool chains), the output layer stays
 * fixed and the model really shrinks. The student's SpaceToDepth layer is traced as a channel
 * permutation (input channel j lands at k·C + j), so its bottlenecks prune too: removing filters
 * whose outputs are all zero leaves the student's output unchanged.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { analyzeStructure, parameterCount, removeUnits } from '../../../../src-main/engine/prune'
import { buildDenseStackedStudent } from '../../../../src-main/engine/detect/dense-stacked-student'
import { buildTinyYolo } from '../../../../src-main/engine/detect/tiny-yolo'
import type { YoloHead } from '../../../../src-main/engine/detect/yolo-head'

beforeAll(async () => {
  await selectBackend('cpu')
})

const head: YoloHead = { gridSize: 4, anchors: [[0.3, 0.3]], numClasses: 2 }

describe('pruning the detectors', () => {
  it('prunes the teacher’s filters, head conv included, and keeps the output layout', async () => {
    const teacher = buildTinyYolo({ inputShape: [16, 16, 3], head, seed: 1, filters: [4, 8], gridFilters: [8] })
    const s = analyzeStructure(teacher)
    expect(s.prunable.map((p) => p.name)).toEqual(['conv1', 'conv2', 'conv3'])
    expect(s.fixed.map((f) => f.name)).toEqual(['detection'])
    const pruned = await removeUnits(teacher, { conv1: [0], conv2: [1, 2], conv3: [0, 7] })
    // Before: conv1 3·3·3·4 = 108 + BN 4·4 = 16; conv2 3·3·4·8 = 288 + 32; conv3 3·3·8·8 = 576 + 32;
    // detection 8·7 + 7 = 63 → 1115. After (4→3, 8→6, 8→6 filters): 81 + 12 + 162 + 24 + 324 + 24 +
    // (6·7 + 7 = 49) = 676.
    expect(parameterCount(teacher)).toBe(1115)
    expect(parameterCount(pruned)).toBe(676)
    expect(pruned.getLayer('conv3').outputShape).toEqual([null, 4, 4, 6])
    expect(pruned.outputs[0].shape).toEqual([null, 4, 4, 7])
    const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 1)
    const y = pruned.predict(x) as tf.Tensor
    expect(y.shape).toEqual([1, 4, 4, 7])
    tf.dispose([x, y])
    teacher.dispose()
    pruned.dispose()
  })

  it('prunes the student through space-to-depth and concatenation without changing zero-output filters’ effect', async () => {
    const student = buildDenseStackedStudent({ inputShape: [16, 16, 3], head, seed: 1, filters: [4, 4], gridBlocks: [[4, 4]], bottleneck: 3, fuseFilters: 4, batchNorm: false })
    const s = analyzeStructure(student)
    const names = s.prunable.map((p) => p.name)
    expect(names).toEqual(expect.arrayContaining(['stack1_bottleneck', 'stack2_bottleneck', 'conv1', 'conv2', 'fuse']))
    // Silence filters (kernel and bias zero → leaky ReLU output zero): removing them changes nothing.
    const silence: Record<string, number[]> = { stack1_bottleneck: [1], stack2_bottleneck: [0, 2], conv4: [3] }
    for (const [name, filters] of Object.entries(silence)) {
      const layer = student.getLayer(name)
      const [kernel, bias] = layer.getWeights()
      const k = kernel.arraySync() as number[][][][]
      const b = bias.arraySync() as number[]
      for (const f of filters) {
        for (const row of k) for (const col of row) for (const inp of col) inp[f] = 0
        b[f] = 0
      }
      layer.setWeights([tf.tensor(k), tf.tensor(b)])
    }
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3)
    const before = student.predict(x) as tf.Tensor
    const pruned = await removeUnits(student, silence)
    expect(pruned.getLayer('stack1_s2d').outputShape).toEqual([null, 4, 4, 2 * 16])
    expect(pruned.getLayer('stack2_s2d').outputShape).toEqual([null, 4, 4, 1 * 4])
    expect(parameterCount(pruned)).toBeLessThan(parameterCount(student))
    const after = pruned.predict(x) as tf.Tensor
    expect(after.shape).toEqual(before.shape)
    expect(tf.max(tf.abs(tf.sub(after, before))).dataSync()[0]).toBeLessThan(1e-5)
    tf.dispose([x, before, after])
    student.dispose()
    pruned.dispose()
  })
})
