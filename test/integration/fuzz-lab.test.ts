/**
 * Bad input straight into `lab.handle` (what every adapter calls): thousands of seeded invalid
 * requests over every contract method and invalid launch specs — wrong types, huge numbers, deep
 * nesting, unknown and prototype fields, SQL in filter and sort fields, path traversal in every
 * file field, sweeps of billions of runs. Every one is answered with an error envelope (a
 * validation answers `valid: false`), none takes long, none crashes the lab, and a digest of every
 * table is the same after as before. COMPLAB_FUZZ_SEED replays a run.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, type Envelope } from '../../src-shared/contract'
import { databaseDigest, integrityCheck } from '../helpers/db-digest'
import { fuzzFixture, type FuzzFixture } from '../helpers/fuzz-fixture'
import { deeplyNested, fileFieldSpecs, methodCases, specCases, specIsValid, TRAVERSALS } from '../helpers/fuzz-inputs'
import { seededRandom, testSeed } from '../helpers/seeded-random'

let fx: FuzzFixture
let before: Record<string, string>
const SEED = testSeed(88)

beforeAll(async () => {
  fx = await fuzzFixture()
  before = databaseDigest(fx.dbPath)
})
afterAll(async () => {
  await fx?.cleanup()
})

interface Answer {
  envelope: Envelope<unknown>
  ms: number
}

async function ask(method: string, input: unknown): Promise<Answer> {
  const started = performance.now()
  const envelope = await fx.lab.handle(method, input)
  return { envelope, ms: performance.now() - started }
}

/** An error envelope with a known code and a message a person can read. */
function expectRefused(a: Answer, what: string): void {
  expect(a.envelope.ok, what).toBe(false)
  if (a.envelope.ok) return
  expect(ERROR_CODES, what).toContain(a.envelope.error.code)
  expect(typeof a.envelope.error.message, what).toBe('string')
  expect(a.envelope.error.message.length, what).toBeGreaterThan(0)
  // Answered as data: the envelope survives a JSON round trip (what the adapters send).
  expect(() => JSON.stringify(a.envelope), what).not.toThrow()
}

describe(`fuzz lab.handle (seed ${SEED})`, () => {
  it('refuses every path out of the data folder in every file field, before reading anything', async () => {
    for (const path of TRAVERSALS) {
      for (const spec of fileFieldSpecs(fx.spec, path)) {
        const safe = JSON.parse(JSON.stringify(spec).replaceAll(JSON.stringify(path).slice(1, -1), 'inside.idx')) as unknown
        // The same spec with a harmless path is well formed: the refusal is about the path.
        expect(specIsValid(safe), JSON.stringify(safe)).toBe(true)
        const launch = await ask('experiments.launch', { spec })
        expectRefused(launch, `${path} in ${JSON.stringify(spec)}`)
        if (!launch.envelope.ok) {
          expect(launch.envelope.error.code).toBe('invalid_input')
          expect(launch.envelope.error.message).toMatch(/data folder|npm: path may not leave its package|NUL character/)
        }
        const validate = await ask('experiments.validate', { spec })
        expect(validate.envelope).toMatchObject({ ok: true, data: { valid: false } })
      }
    }
    // No oracle: a file that exists outside and one that does not get the same answer.
    const [a, b] = await Promise.all(
      ['/etc/passwd', '/etc/no-such-file'].map((p) => ask('experiments.launch', { spec: fileFieldSpecs(fx.spec, p)[3] })),
    )
    const text = (x: Answer, p: string): string => (x.envelope.ok ? '' : x.envelope.error.message.replace(p, 'P'))
    expect(text(a, '/etc/passwd')).toBe(text(b, '/etc/no-such-file'))
  })

  it('refuses a sweep of billions of runs at once, and SQL in sort and filter fields', async () => {
    const axis = Array.from({ length: 5000 }, (_, i) => i + 1)
    const huge = await ask('experiments.launch', {
      spec: { ...fx.spec, sweep: { grid: { 'training.epochs': axis, 'training.batchSize': axis, 'training.learningRate': axis }, seeds: axis } },
    })
    expectRefused(huge, 'huge sweep')
    // A hang detector, not a performance claim (those live in npm run bench): expanding the grid
    // first would take minutes.
    expect(huge.ms).toBeLessThan(20_000)
    if (!huge.envelope.ok) expect(huge.envelope.error.message).toMatch(/at most 10,000/)

    for (const sort of ['id; DROP TABLE runs', '(SELECT 1)', 'r.id', 'test.accuracy DESC, (SELECT 1)']) {
      expectRefused(await ask('runs.list', { sort }), `sort ${sort}`)
    }
    expectRefused(await ask('runs.list', { direction: 'asc; DROP TABLE runs' }), 'direction')
    expectRefused(await ask('runs.list', { status: ["queued' OR '1'='1"] }), 'status')
    expectRefused(await ask('sweeps.pivot', { rows: 'seed) UNION SELECT sql FROM sqlite_schema --', metrics: ['x'] }), 'pivot rows')
    // Free text is data, never SQL: it matches nothing and changes nothing.
    for (const search of ["'; DROP TABLE runs; --", '%', '_', "\\' OR 1=1 --"]) {
      const r = await ask('runs.list', { search })
      expect(r.envelope, search).toMatchObject({ ok: true, data: { rows: [], total: 0 } })
    }
  })

  it('refuses deep nesting, prototype keys and bad model uploads without writing anything', async () => {
    const deep = deeplyNested(100_000)
    expectRefused(await ask('runs.list', deep), 'deep input')
    expectRefused(await ask('experiments.launch', { spec: deeplyNested(100_000, 1, true) }), 'deep spec')
    expectRefused(await ask('experiments.launch', { spec: { ...fx.spec, sweep: { grid: { 'training.epochs': [deeplyNested(20_000)] } } } }), 'deep grid value')
    const polluted = JSON.parse('{"spec": {"name": "x", "__proto__": {"polluted": true}}}') as unknown
    expectRefused(await ask('experiments.launch', polluted), 'proto key')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()

    const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64')
    const model = (paths: string[]): unknown => ({ modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths, weights: [] }] })
    const uploads: { name: string; files: { name: string; base64: string }[] }[] = [
      { name: 'weights outside', files: [{ name: 'model.json', base64: b64(model(['../../../etc/passwd'])) }, { name: 'passwd', base64: b64('x') }] },
      { name: 'absolute weights', files: [{ name: 'model.json', base64: b64(model(['/etc/passwd'])) }, { name: 'passwd', base64: b64('x') }] },
      { name: 'not JSON', files: [{ name: 'model.json', base64: b64('{"modelTopology": ') }] },
      { name: 'not a model', files: [{ name: 'model.json', base64: b64({ hello: 1 }) }] },
      { name: 'missing weights', files: [{ name: 'model.json', base64: b64(model(['w.bin'])) }] },
      { name: 'two models', files: [{ name: 'a.json', base64: b64({}) }, { name: 'b.json', base64: b64({}) }] },
      { name: 'traversal name', files: [{ name: '../../x.json', base64: b64(model([])) }, { name: '.hidden', base64: b64('') }] },
      { name: 'weights manifest of nulls', files: [{ name: 'model.json', base64: b64({ modelTopology: {}, weightsManifest: [null, 3] }) }] },
    ]
    for (const u of uploads) {
      const r = await ask('models.import', { files: u.files })
      expectRefused(r, u.name)
      if (!r.envelope.ok) expect(r.envelope.error.code, `${u.name}: ${r.envelope.error.message}`).toBe('invalid_input')
    }
    expect(existsSync(join(fx.dataDir, 'imports'))).toBe(false)
    // An artifact whose recorded path lies outside the folder is not read.
    const read = await ask('artifacts.read', { id: 1 })
    expect(read.envelope).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })

  it('answers thousands of generated invalid requests with error envelopes, quickly, changing nothing', async () => {
    const rng = seededRandom(SEED)
    const cases = methodCases(rng, fx.spec, 2500)
    const byMutation = new Map<string, number>()
    let slowest = 0
    for (const [i, c] of cases.entries()) {
      const a = await ask(c.method, c.input)
      const what = `seed ${SEED} case ${i}: ${c.method} ${c.mutation} ${JSON.stringify(c.input)?.slice(0, 300)}`
      slowest = Math.max(slowest, a.ms)
      // A hang detector, not a timing claim: system.info probes the machine and takes seconds when
      // the CPU is shared.
      expect(a.ms, what).toBeLessThan(30_000)
      if (c.refusedBySchema) {
        expectRefused(a, what)
        if (!a.envelope.ok) expect(a.envelope.error.code, `${what}: ${a.envelope.error.message}`).toBe('invalid_input')
      } else {
        // A valid read with hostile values: any answer, as long as it is an envelope.
        expect(typeof a.envelope.ok, what).toBe('boolean')
      }
      byMutation.set(c.mutation, (byMutation.get(c.mutation) ?? 0) + 1)
    }
    const specs = specCases(rng, fx.spec, 600)
    for (const [i, c] of specs.entries()) {
      const what = `seed ${SEED} spec ${i}: ${c.mutation} ${JSON.stringify(c.spec)?.slice(0, 300)}`
      const launch = await ask('experiments.launch', { spec: c.spec })
      expectRefused(launch, what)
      if (!launch.envelope.ok) expect(launch.envelope.error.code, `${what}: ${launch.envelope.error.message}`).toBe('invalid_input')
      const validate = await ask('experiments.validate', { spec: c.spec })
      expect(validate.envelope.ok ? (validate.envelope.data as { valid: boolean }).valid : false, what).toBe(false)
      slowest = Math.max(slowest, launch.ms, validate.ms)
      byMutation.set(`spec:${c.mutation}`, (byMutation.get(`spec:${c.mutation}`) ?? 0) + 1)
    }
    console.log(
      `[fuzz-lab] seed ${SEED}: ${cases.length} method requests, ${specs.length} specs (launched and validated); slowest ${slowest.toFixed(0)} ms; ` +
        [...byMutation.entries()].map(([k, n]) => `${k} ${n}`).join(', '),
    )
    expect(cases.length + specs.length * 2).toBeGreaterThan(3000)
    // Still serving, nothing changed, nothing written beside the database.
    expect((await fx.lab.call('runs.list', {})).total).toBe(2)
    expect(databaseDigest(fx.dbPath)).toEqual(before)
    expect(integrityCheck(fx.dbPath)).toBe('ok')
    expect(readdirSync(fx.dataDir).filter((f) => !f.startsWith('lab.db')).sort()).toEqual(['images.idx', 'labels.idx', 'link-out'])
  }, 120_000)
})
