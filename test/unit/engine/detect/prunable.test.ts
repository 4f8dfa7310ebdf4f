/**
 * The detectors meet the pruning engine (METHODS P3 on a detector, issue 7 item 5): the Tiny-YOLO
 * teacher's conv filters, detection head included, are prunable with the existing structure
 * analysis and surgery (conv → batch norm → leaky ReLU → pool chains), the output layer stays
 * fixed and the model really shrinks. The student's SpaceToDepth layer is not known to the pruning
 * structure yet (see the report of this change); this test pins the current message.
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

  it('the student’s space-to-depth stacking is not yet understood by the pruning structure', () => {
    const student = buildDenseStackedStudent({ inputShape: [16, 16, 3], head, seed: 1, filters: [4, 4], gridBlocks: [[4, 4]], fuseFilters: 4 })
    expect(() => analyzeStructure(student)).toThrow(/SpaceToDepth\) is not supported by pruning/)
    student.dispose()
  })
})
