/**
 * `artifacts.preview` (a detection run's test images with boxes, as a data: URL) through the Lab
 * service and through the HTTP server with a token: real SQLite, real PNG files written by the
 * engine's preview encoder, and the files a request must never reach (another run's, a model
 * file, a path or link out of the data folder, a file that is not a PNG or is too large).
 */
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabError, MAX_PREVIEW_BYTES } from '../../../src-shared/contract'
import { previewPng } from '../../../src-main/engine/detect/preview'
import { createLab, type Lab } from '../../../src-main/lab/index'
import { pngSize } from '../../../src-main/lab/previews'
import { startServer } from '../../../src-main/server'
import { openStore, type Store } from '../../../src-main/store/index'
import { tempDir } from '../store/helpers'

const DETECTION_SPEC = {
  name: 'tiny detection',
  dataset: { name: 'shapes', imageSize: 16, numClasses: 2, trainSize: 8, testSize: 4 },
  model: { arch: 'tinyYolo', filters: [4, 8], gridFilters: [8], anchors: 1 },
  training: { epochs: 1, batchSize: 4 },
  method: { kind: 'detect', previews: 2 },
  sweep: { seeds: [0, 1] },
}

let lab: Lab
let dir: string
let outside: string
let cleanup: () => void
let cleanupOutside: () => void
let side: Store
let runA: number
let runB: number
/** A 16×16 RGB image with one predicted box, as the engine encodes it (scaled ×4: 64×64). */
const png = Buffer.from(
  previewPng(new Float32Array(16 * 16 * 3).fill(0.5), [16, 16, 3], [{ xMin: 0.1, yMin: 0.1, xMax: 0.6, yMax: 0.6, score: 0.9, classId: 1 }], {
    groundTruth: [{ xMin: 0.2, yMin: 0.2, xMax: 0.7, yMax: 0.7, classId: 1, difficult: false }],
  }),
)

beforeEach(async () => {
  ;({ dir, cleanup } = tempDir())
  ;({ dir: outside, cleanup: cleanupOutside } = tempDir('complab-outside-'))
  lab = await createLab({ dataDir: dir, schedule: false })
  side = openStore(lab.dbPath)
  ;[runA, runB] = (await lab.call('experiments.launch', { spec: DETECTION_SPEC })).runIds
})
afterEach(async () => {
  side.close()
  await lab.stop()
  cleanup()
  cleanupOutside()
})

/** The call fails with a LabError of this code whose message matches. */
function refused(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  return expect(promise).rejects.toSatisfy((e: unknown) => e instanceof LabError && e.code === code && message.test(e.message))
}

/** Writes `data` at `path` and records it as an artifact of `runId`; returns the artifact id. */
function artifact(runId: number, kind: string, path: string, data?: Buffer): number {
  if (data) {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, data)
  }
  return side.outputs.addArtifact(runId, { kind, path, bytes: data?.length ?? 0, sha256: 'x' })
}

describe('artifacts.preview', () => {
  it('sends a preview PNG of the run as a data: URL with its size', async () => {
    const id = artifact(runA, 'preview', join(dir, 'artifacts', `run-${runA}`, 'preview', 'test-0.png'), png)
    const image = await lab.call('artifacts.preview', { runId: runA, id })
    expect(image).toMatchObject({ id, runId: runA, name: 'test-0.png', width: 64, height: 64, bytes: png.length })
    expect(image.dataUrl.startsWith('data:image/png;base64,')).toBe(true)
    expect(Buffer.from(image.dataUrl.slice('data:image/png;base64,'.length), 'base64').equals(png)).toBe(true)
    // A path recorded relative to the data folder is read too.
    const rel = artifact(runA, 'preview', join('artifacts', `run-${runA}`, 'preview', 'test-0.png'))
    expect((await lab.call('artifacts.preview', { runId: runA, id: rel })).bytes).toBe(png.length)
  })

  it('refuses unknown ids, another run’s preview and files of other kinds', async () => {
    const ofB = artifact(runB, 'preview', join(dir, 'artifacts', `run-${runB}`, 'preview', 'test-0.png'), png)
    const model = artifact(runA, 'model', join(dir, 'artifacts', `run-${runA}`, 'model', 'model.json'), Buffer.from('{}'))
    await refused(lab.call('artifacts.preview', { runId: runA, id: 9999 }), 'not_found', /run #\d+ has no artifact #9999/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: ofB }), 'not_found', new RegExp(`run #${runA} has no artifact #${ofB}`))
    await refused(lab.call('artifacts.preview', { runId: 9999, id: ofB }), 'not_found', /run #9999 has no artifact/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: model }), 'invalid_input', /is a model file, not a preview image/)
    // The run it belongs to still gets it.
    expect((await lab.call('artifacts.preview', { runId: runB, id: ofB })).width).toBe(64)
  })

  it('never reads a file outside the data folder: absolute paths, ../ and links', async () => {
    const secret = join(outside, 'secret.png')
    writeFileSync(secret, png)
    const absolute = artifact(runA, 'preview', secret)
    const climbing = artifact(runA, 'preview', join('artifacts', '..', '..', outside.split(/[\\/]/).pop() ?? '', 'secret.png'))
    const linkPath = join(dir, 'artifacts', `run-${runA}`, 'preview', 'link.png')
    mkdirSync(join(linkPath, '..'), { recursive: true })
    symlinkSync(secret, linkPath)
    const link = artifact(runA, 'preview', linkPath)
    await refused(lab.call('artifacts.preview', { runId: runA, id: absolute }), 'unauthorized', /leaves the lab's data folder/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: climbing }), 'unauthorized', /leaves the lab's data folder/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: link }), 'unauthorized', /leads out of the lab's data folder \(a link\)/)
  })

  it('refuses a missing file, a file that is not a PNG, a folder and a file past the size cap', async () => {
    const folder = join(dir, 'artifacts', `run-${runA}`, 'preview')
    const gone = artifact(runA, 'preview', join(folder, 'gone.png'))
    const text = artifact(runA, 'preview', join(folder, 'text.png'), Buffer.from('not an image at all, just text'))
    const notPng = artifact(runA, 'preview', join(folder, 'image.jpg'), png)
    mkdirSync(join(folder, 'dir.png'), { recursive: true })
    const dirEntry = artifact(runA, 'preview', join(folder, 'dir.png'))
    const big = artifact(runA, 'preview', join(folder, 'big.png'), png)
    truncateSync(join(folder, 'big.png'), MAX_PREVIEW_BYTES + 1)
    await refused(lab.call('artifacts.preview', { runId: runA, id: gone }), 'not_found', /is gone/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: text }), 'invalid_input', /is not a PNG image/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: notPng }), 'invalid_input', /is not a PNG image/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: dirEntry }), 'not_found', /not a plain file/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: big }), 'invalid_input', /too large to show/)
  })

  it('takes ids only: a path, a missing run id or a text id is refused by the schema', async () => {
    const id = artifact(runA, 'preview', join(dir, 'p.png'), png)
    await refused(lab.call('artifacts.preview', { runId: runA, id, path: '/etc/passwd' } as never), 'invalid_input', /path/)
    await refused(lab.call('artifacts.preview', { id } as never), 'invalid_input', /runId/)
    await refused(lab.call('artifacts.preview', { runId: runA, id: '1' } as never), 'invalid_input', /id/)
  })

  it('goes through the server only with the token', async () => {
    const id = artifact(runA, 'preview', join(dir, 'artifacts', `run-${runA}`, 'preview', 'test-1.png'), png)
    const server = await startServer({ lab, port: 0, requireToken: true })
    try {
      const post = (headers: Record<string, string>): Promise<Response> =>
        fetch(`${server.url}api/artifacts.preview`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ runId: runA, id }) })
      const anonymous = await post({})
      expect(anonymous.status).toBe(401)
      expect(await anonymous.text()).not.toContain('base64')
      const wrong = await post({ authorization: `Bearer ${'x'.repeat(40)}` })
      expect(wrong.status).toBe(401)
      const ok = await post({ authorization: `Bearer ${server.token}` })
      expect(ok.status).toBe(200)
      const body = (await ok.json()) as { ok: boolean; data: { dataUrl: string; width: number } }
      expect(body.ok).toBe(true)
      expect(body.data.width).toBe(64)
      expect(pngSize(Buffer.from(body.data.dataUrl.split(',')[1], 'base64'))).toEqual({ width: 64, height: 64 })
    } finally {
      await server.close()
    }
  })
})

describe('pngSize', () => {
  it('reads the header of a PNG and rejects anything else', () => {
    expect(pngSize(png)).toEqual({ width: 64, height: 64 })
    expect(pngSize(Buffer.from('GIF89a........................'))).toBeNull()
    expect(pngSize(png.subarray(0, 20))).toBeNull()
  })
})
