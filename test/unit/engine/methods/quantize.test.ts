/**
 * Method `quantize` end to end on 400 real digits from a parent trained by the `train` executor:
 * what a run reports (item 2 of issue 19), the QDQ ONNX artifact run by ONNX Runtime, QAT, and
 * bad input refused with one message and nothing written.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { executeRun } from '../../../../src-main/engine/run'
import { withoutSyncReads } from './no-sync-reads'
import { filesOf, pruneJob, pruneMethod, recordingSink, runConfig, runPruning, SMALL_LENET } from './prune-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-quantize-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let parent: string
beforeAll(async () => {
  const { sink } = recordingSink()
  await executeRun(pruneJob(root, 1, runConfig(SMALL_LENET, { kind: 'train' })), sink)
  parent = join(root, 'run-1', 'model', 'model.json')
})

const merged = (results: Record<string, number>[]): Record<string, number> => Object.assign({}, ...results)

describe('method quantize', () => {
  it('int8 weights only: ≥ 3.5× fewer weight bytes, ONNX Runtime agrees with the lab, every result reported', async () => {
    const got = await runPruning(root, 2, SMALL_LENET, { kind: 'quantize', scheme: 'int8' }, parent)
    const r = merged(got.results)
    for (const key of ['test.accuracy', 'ort.test.accuracy', 'parent.test.accuracy', 'accuracy.change', 'weights.bytes', 'parent.weights.bytes', 'model.bytes', 'parent.model.bytes', 'latency.ms', 'parent.latency.ms', 'ort.latency.b1.t1.ms', 'ort.latency.b64.tall.ms', 'parent.ort.latency.b64.t1.ms', 'ort.speedup.b1.t1'])
      expect(r[key], key).toBeTypeOf('number')
    // 8,042 parameters, 7,972 of them in kernels: int8 values plus 5 bytes per channel (4 + 8 + 32 + 16 + 10 = 70), float32 biases.
    expect(r['parent.weights.bytes']).toBe(8_042 * 4)
    expect(r['weights.bytes']).toBe(7_972 + 70 * 4 + 70 * 5)
    expect(r['weights.compression']).toBeGreaterThan(3.5)
    expect(r['accuracy.change']).toBeCloseTo(r['test.accuracy'] - r['parent.test.accuracy'], 9)
    expect(Math.abs(r['accuracy.change'])).toBeLessThan(0.02)
    // ORT runs integer kernels on dynamically quantized activations: a digit or two of 2,000 may differ.
    expect(Math.abs(r['ort.test.accuracy'] - r['test.accuracy'])).toBeLessThan(0.005)
    expect(r['layer.bytes.logits']).toBe(16 * 10 + 10 * 5 + 10 * 4)
    expect(r['parent.layer.bytes.logits']).toBe((16 * 10 + 10) * 4)
    expect(r['model.bytes']).toBeLessThan(r['parent.model.bytes'] / 2.5)
    const kinds = got.artifacts.map((a) => a.kind)
    expect(kinds).toEqual(expect.arrayContaining(['onnx', 'quantization', 'model']))
    expect(got.artifacts.find((a) => a.kind === 'onnx')?.bytes).toBe(r['model.bytes'])
  })

  it('static int8 activations with percentile calibration, one QAT epoch: the lab and ORT agree', async () => {
    const spec = { kind: 'quantize', scheme: 'int8', activations: 'static', calibration: { examples: 128, method: 'percentile', percentile: 99.99 }, qatEpochs: 1 }
    // As on the webgpu backend under Node: no synchronous tensor read anywhere in the run.
    const got = await withoutSyncReads(() => runPruning(root, 3, SMALL_LENET, spec, parent))
    const r = merged(got.results)
    console.log(JSON.stringify(r))
    expect(Math.abs(r['ort.test.accuracy'] - r['test.accuracy'])).toBeLessThan(0.005)
    // One epoch of QAT also trains an under-trained parent further (2 epochs on 400 digits): it may gain.
    expect(r['accuracy.change']).toBeGreaterThan(-0.03)
    expect(got.metrics.some((p) => p.key === 'qat.train.loss')).toBe(true)
    const q = JSON.parse(readFileSync(join(root, 'run-3', 'quantization.json'), 'utf8')) as { scheme: string; activations: Record<string, { scale: number }> }
    expect(q.scheme).toBe('int8')
    // What each kernel reads (the input, pool 1, flatten, the 2 hidden dense) and writes (the convs, the hidden dense; not the logits).
    expect(Object.keys(q.activations).sort()).toEqual(['', 'conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1', 'dense_Dense2', 'flatten_Flatten1', 'max_pooling2d_MaxPooling2D1'].sort())
  })

  it('after a pruning stage: Deep Compression ratios against the ORIGINAL unpruned parent, Huffman-coded bytes', async () => {
    const pruned = merged((await runPruning(root, 5, SMALL_LENET, { kind: 'magnitude', finalSparsity: 0.5, steps: 2, frequency: 2, finalEpochs: 0 }, parent)).results)
    const got = await runPruning(root, 6, SMALL_LENET, { kind: 'quantize', scheme: 'int8' }, join(root, 'run-5', 'model', 'model.json'))
    const r = merged(got.results)
    // Magnitude pruning keeps every unit (masks): the stage's parent (run 5) has as many weights as the original.
    expect(r['origin.weights.bytes']).toBe(8_042 * 4)
    expect(r['origin.params']).toBe(8_042)
    expect(r['origin.test.accuracy']).toBeCloseTo(pruned['parent.test.accuracy'], 9)
    expect(r['origin.accuracy.change']).toBeCloseTo(r['test.accuracy'] - pruned['parent.test.accuracy'], 9)
    expect(r['origin.compression']).toBeCloseTo(r['origin.weights.bytes'] / r['weights.bytes'], 9)
    // Many kernel weights are zero (one code of about a bit), the rest few distinct levels: fewer bytes than int8.
    expect(r['weights.huffman.bytes']).toBeLessThan(0.8 * r['weights.bytes'])
    expect(r['origin.compression.huffman']).toBeGreaterThan(r['origin.compression'])
    expect(got.artifacts.some((a) => a.kind === 'lineage')).toBe(true)
  })

  it('refuses a calibration set larger than the training split, writing nothing', async () => {
    const { sink } = recordingSink()
    const method = pruneMethod({ kind: 'quantize', activations: 'static', calibration: { examples: 5000 } })
    await expect(executeRun(pruneJob(root, 4, runConfig(SMALL_LENET, method), parent), sink)).rejects.toThrow(/calibration.examples 5000 is more than the 400 training examples/)
    expect(filesOf(root, 4).filter((f) => !f.startsWith('model'))).toEqual([])
  })
})
