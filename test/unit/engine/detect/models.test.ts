/**
 * Detector models: space-to-depth channel order, the teacher and the student's shapes and
 * stacking, TF.js layers-format save/load with the custom layer, and decoding consistency
 * (targets encoded into a raw output decode back to the boxes, mAP 1).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildDenseStackedStudent } from '../../../../src-main/engine/detect/dense-stacked-student'
import type { DetectionObject } from '../../../../src-main/engine/detect/detection-dataset'
import { detectionsFromOutput } from '../../../../src-main/engine/detect/detections'
import { CLASS_COLOURS, previewPixels, previewPng } from '../../../../src-main/engine/detect/preview'
import { spaceToDepth } from '../../../../src-main/engine/detect/space-to-depth'
import { buildTinyYolo } from '../../../../src-main/engine/detect/tiny-yolo'
import { meanAveragePrecision } from '../../../../src-main/engine/detect/voc-ap'
import { kMeansAnchors, shapeIou, type YoloHead } from '../../../../src-main/engine/detect/yolo-head'
import { buildTargets } from '../../../../src-main/engine/detect/yolo-targets'
import { loadModel, saveModel } from '../../../../src-main/engine/models/model-files'

const dir = mkdtempSync(join(tmpdir(), 'complab-detect-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeAll(async () => {
  await selectBackend('cpu')
})

const head: YoloHead = { gridSize: 4, anchors: [[0.25, 0.25], [0.5, 0.5]], numClasses: 3 }

describe('spaceToDepth', () => {
  it("follows TensorFlow's order: output channel (dy·b + dx)·C + c", () => {
    // x[0, y, x, c] = 100·y + 10·x + c on a 4×4×2 map, b = 2.
    const values: number[] = []
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 2; c++) values.push(100 * y + 10 * x + c)
    const out = spaceToDepth(tf.tensor4d(values, [1, 4, 4, 2]), 2)
    expect(out.shape).toEqual([1, 2, 2, 8])
    const a = out.arraySync()[0]
    // Output pixel (1, 0) covers input rows 2–3, columns 0–1.
    expect(a[1][0]).toEqual([200, 201, 210, 211, 300, 301, 310, 311])
    expect(a[0][1]).toEqual([20, 21, 30, 31, 120, 121, 130, 131])
    out.dispose()
  })
})

describe('detector models', () => {
  it('the teacher maps 32×32×3 to 4×4×(2·5 + 3)', () => {
    const m = buildTinyYolo({ inputShape: [32, 32, 3], head, seed: 1, filters: [4, 8, 8], gridFilters: [8] })
    expect(m.outputs[0].shape).toEqual([null, 4, 4, 13])
    expect(() => buildTinyYolo({ inputShape: [32, 32, 3], head, seed: 1, filters: [4, 8] })).toThrow(/8×8 grid, but the head expects 4×4/)
    m.dispose()
  })

  it('the student stacks bottlenecked, space-to-depth maps of earlier blocks with the last features', () => {
    const m = buildDenseStackedStudent({ inputShape: [32, 32, 3], head, seed: 1, filters: [4, 8, 8], gridBlocks: [[4, 8]], bottleneck: 2, fuseFilters: 8 })
    expect(m.outputs[0].shape).toEqual([null, 4, 4, 13])
    // Blocks 2 and 3 (16×16 and 8×8 before pooling) → 2 channels each → s2d 4 and 2 → 32 and 8 channels.
    expect(m.getLayer('stack2_s2d').outputShape).toEqual([null, 4, 4, 32])
    expect(m.getLayer('stack3_s2d').outputShape).toEqual([null, 4, 4, 8])
    expect(m.getLayer('stack').outputShape).toEqual([null, 4, 4, 32 + 8 + 8])
    m.dispose()
  })

  it('saves and loads in the TF.js layers format with the SpaceToDepth layer, same outputs', async () => {
    const m = buildDenseStackedStudent({ inputShape: [16, 16, 3], head, seed: 2, filters: [4, 4], gridBlocks: [[4, 4]], fuseFilters: 4 })
    const files = await saveModel(m, join(dir, 'student'))
    expect(readFileSync(files[0].path, 'utf8')).toContain('"class_name":"SpaceToDepth"')
    const loaded = await loadModel(files[0].path)
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3)
    const a = (m.predict(x) as tf.Tensor).dataSync()
    const b = (loaded.predict(x) as tf.Tensor).dataSync()
    expect(Array.from(b)).toEqual(Array.from(a))
    tf.dispose([x])
    m.dispose()
    loaded.dispose()
  })
})

describe('anchors', () => {
  it('k-means on (w, h) with 1 − IoU finds the two size clusters', () => {
    const sizes: Array<[number, number]> = [
      [0.1, 0.1], [0.12, 0.1], [0.1, 0.12], [0.5, 0.5], [0.55, 0.5], [0.5, 0.45],
    ]
    const anchors = kMeansAnchors(sizes, 2)
    expect(anchors[0][0]).toBeCloseTo((0.1 + 0.12 + 0.1) / 3, 9)
    expect(anchors[1][1]).toBeCloseTo((0.5 + 0.5 + 0.45) / 3, 9)
    // Same-centre IoU of .2×.2 and .4×.4: .04/.16.
    expect(shapeIou([0.2, 0.2], [0.4, 0.4])).toBeCloseTo(0.25, 12)
  })
})

describe('decoding', () => {
  it('turns targets written into a raw output back into the boxes (mAP 1)', async () => {
    const objects: DetectionObject[][] = [
      [
        { classId: 0, xMin: 0.1, yMin: 0.15, xMax: 0.35, yMax: 0.4, difficult: false },
        { classId: 2, xMin: 0.45, yMin: 0.5, xMax: 0.95, yMax: 0.9, difficult: false },
      ],
      [{ classId: 1, xMin: 0.3, yMin: 0.05, xMax: 0.7, yMax: 0.55, difficult: false }],
    ]
    const t = buildTargets(objects, head)
    const S = 4
    const B = 2
    const C = 3
    const raw = new Float32Array(2 * S * S * (B * 5 + C))
    const logit = (p: number): number => Math.log(p / (1 - p))
    for (let cell = 0; cell < 2 * S * S; cell++) {
      for (let b = 0; b < B; b++) {
        const a = cell * B + b
        const o = cell * (B * 5 + C) + b * 5
        if (t.responsible[a]) {
          raw.set([logit(t.boxes[a * 4]), logit(t.boxes[a * 4 + 1]), t.boxes[a * 4 + 2], t.boxes[a * 4 + 3], 12], o)
        } else raw[o + 4] = -12
      }
      for (let c = 0; c < C; c++) raw[cell * (B * 5 + C) + B * 5 + c] = t.classes[cell * C + c] > 0 ? 12 : -12
    }
    const output = tf.tensor4d(raw, [2, S, S, B * 5 + C])
    const detections = await detectionsFromOutput(output, head, { scoreThreshold: 0.5 })
    output.dispose()
    expect(detections.map((d) => d.length)).toEqual([2, 1])
    const found = detections[0].find((d) => d.classId === 2) as DetectionObject & { score: number }
    expect(found.xMin).toBeCloseTo(0.45, 5)
    expect(found.yMax).toBeCloseTo(0.9, 5)
    expect(found.score).toBeGreaterThan(0.99)
    expect(meanAveragePrecision(detections, objects, 3).mAP).toBeCloseTo(1, 9)
  })
})

describe('previewPng', () => {
  it('draws predicted boxes in the class colour over the scaled image, and encodes a PNG', () => {
    const grey = new Float32Array(4 * 4 * 3).fill(0.5)
    const box = { classId: 1, score: 0.9, xMin: 0, yMin: 0, xMax: 1, yMax: 1 }
    const img = previewPixels(grey, [4, 4, 3], [box, { ...box, classId: 0, score: 0.1 }], { scale: 2 })
    expect([img.width, img.height]).toEqual([8, 8])
    expect(Array.from(img.data.subarray(0, 3))).toEqual(CLASS_COLOURS[1]) // the corner: box edge
    expect(Array.from(img.data.subarray((3 * 8 + 3) * 4, (3 * 8 + 3) * 4 + 4))).toEqual([128, 128, 128, 255]) // inside
    const png = previewPng(grey, [4, 4, 3], [box])
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]) // 'PNG'
  })
})
