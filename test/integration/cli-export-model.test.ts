/**
 * `complab export-model` end to end (issue 19 item 3): a quantize experiment launched with
 * `complab run` (the parent trained in the same launch), its model exported to ONNX (int8 QDQ,
 * loaded and run by ONNX Runtime) and to TF.js (weight-manifest quantization, the re-quantization
 * said on stderr); bad input is one line and exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { complab } from '../helpers/complab'

const dir = mkdtempSync(join(tmpdir(), 'complab-cli-export-model-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'lab.db')

const spec = {
  name: 'quantize tiny lenet',
  dataset: { name: 'mnist-10k', trainLimit: 200 },
  model: { arch: 'lenet5', filters: [4, 8], dense: [16, 16] },
  training: { epochs: 1, batchSize: 64 },
  method: { kind: 'quantize', scheme: 'int8', activations: 'static', calibration: { examples: 64 } },
}

describe('complab export-model', () => {
  it('exports a quantize run to ONNX (run by ONNX Runtime) and to TF.js', { timeout: 180_000 }, async () => {
    const file = join(dir, 'q.json')
    writeFileSync(file, JSON.stringify(spec))
    const run = await complab(['run', file, '--db', db, '--quiet'])
    expect(run.code, run.stderr).toBe(0)
    const list = await complab(['runs', 'list', '--db', db, '--json'])
    const runs = (JSON.parse(list.stdout) as { rows: { id: number; role: string; status: string; results: Record<string, number> }[] }).rows
    const quantized = runs.find((r) => r.role === 'pruned')
    expect(quantized?.status).toBe('finished')
    expect(Math.abs((quantized?.results['ort.test.accuracy'] ?? 0) - (quantized?.results['test.accuracy'] ?? 1))).toBeLessThan(0.01)
    expect(quantized?.results['weights.compression']).toBeGreaterThan(3.5)

    const onnxDir = join(dir, 'out-onnx')
    const onnx = await complab(['export-model', String(quantized?.id), '--format', 'onnx', '--out', onnxDir, '--db', db])
    expect(onnx.code, onnx.stderr).toBe(0)
    expect(onnx.stdout).toMatch(/^wrote .*out-onnx\/model\.onnx \([\d,]+ bytes\)$/m)
    const session = await ort.InferenceSession.create(readFileSync(join(onnxDir, 'model.onnx')))
    const y = await session.run({ input: new ort.Tensor('float32', new Float32Array(2 * 784).fill(0.5), [2, 28, 28, 1]) })
    expect(y.output.dims).toEqual([2, 10])

    const tfjs = await complab(['export-model', String(quantized?.id), '--format', 'tfjs', '--out', join(dir, 'out-tfjs'), '--db', db])
    expect(tfjs.code, tfjs.stderr).toBe(0)
    expect(tfjs.stderr).toMatch(/re-quantized to uint8 per tensor/)
    expect(tfjs.stdout.trim().split('\n')).toHaveLength(2)
  })

  it('says what is wrong in one line, exit 2: a bad format, no --out, a run that does not exist', async () => {
    for (const [args, said] of [
      [['export-model', '1', '--format', 'pt', '--out', dir], /--format must be one of tfjs, onnx, got 'pt'/],
      [['export-model', '1', '--format', 'onnx'], /--out DIR/],
      [['export-model', '999', '--format', 'onnx', '--out', dir], /run #999 does not exist/],
    ] as const) {
      const r = await complab([...args, '--db', db])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(said)
    }
  })
})
