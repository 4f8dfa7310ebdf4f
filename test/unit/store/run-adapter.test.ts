/**
 * The adapter a run trained on (issue 15, migration 0002): the worker's backend message carries it,
 * the event buffer writes it beside runs.backend, the run's detail and `complab runs show` read it
 * back; a run on another backend has none.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { WebGpuAdapter } from '../../../src-shared/types'
import { flushBuffers, RunEventBuffer } from '../../../src-main/scheduler/event-buffer'
import type { Store } from '../../../src-main/store/index'
import { complab } from '../../helpers/complab'
import { seedRuns, tempStore } from './helpers'

let lab: ReturnType<typeof tempStore>
let store: Store
beforeEach(() => {
  lab = tempStore()
  store = lab.store
})
afterEach(() => lab.cleanup())

const swiftshader: WebGpuAdapter = {
  backend: 'vulkan',
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: 'SwiftShader driver 5.0.0',
  software: true,
  maxBufferSize: 2 ** 31,
}

it('records the webgpu adapter with the backend, none for wasm, and runs show prints it', async () => {
  const [gpuRun, wasmRun] = seedRuns(store, 2).runIds
  const gpu = new RunEventBuffer(gpuRun)
  gpu.add({ type: 'backend', name: 'webgpu', adapter: swiftshader })
  const wasm = new RunEventBuffer(wasmRun)
  wasm.add({ type: 'backend', name: 'wasm' })
  expect(flushBuffers(store, () => {}, [gpu, wasm])).toEqual([])

  expect(store.runDetail(gpuRun)).toMatchObject({ backend: 'webgpu', adapter: swiftshader })
  expect(store.runDetail(wasmRun)).toMatchObject({ backend: 'wasm', adapter: null })
  const stored = store.db.prepare('SELECT adapter FROM runs WHERE id = ?').get(gpuRun) as { adapter: string }
  expect(JSON.parse(stored.adapter)).toEqual(swiftshader)

  const shown = await complab(['runs', 'show', String(gpuRun), '--db', `${lab.dir}/lab.db`])
  expect(shown.stderr).toBe('')
  expect(shown.stdout).toMatch(/backend webgpu\n/)
  expect(shown.stdout).toContain(
    'adapter google swiftshader (SwiftShader driver 5.0.0, vulkan, software), max buffer 2.0 GiB',
  )
  const plain = await complab(['runs', 'show', String(wasmRun), '--db', `${lab.dir}/lab.db`])
  expect(plain.stdout).not.toMatch(/^adapter /m)
}, 60_000)

it('refuses an adapter that is not JSON (the column checks json_valid)', () => {
  const [id] = seedRuns(store, 1).runIds
  expect(() => store.db.prepare('UPDATE runs SET adapter = ? WHERE id = ?').run('{not json', id)).toThrow(/CHECK constraint/)
})
