/**
 * The methods the desktop app's views added (issue 5), through the Lab service without workers:
 * examples and schema, delete / re-run / tag / note, parameter columns, compare sheet, pivots and
 * Pareto fronts over launched runs with results written directly, table export, model files.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabError, type EventPayloads } from '../../../src-shared/contract'
import { createLab, type Lab } from '../../../src-main/lab/index'
import { openStore, type Store } from '../../../src-main/store/index'
import { tempDir } from '../store/helpers'

/** Teacher [32] and baseline per seed, students at T = 2 and 4 (as in lab.test.ts). */
const KD_SPEC = {
  name: 'kd tiny',
  dataset: { name: 'mnist-10k', trainLimit: 300 },
  model: { arch: 'mlp', hidden: [16] },
  training: { epochs: 1, batchSize: 64 },
  method: { kind: 'distill', temperature: 2, teacher: { source: 'train', model: { arch: 'mlp', hidden: [32] } } },
  sweep: { grid: { 'method.temperature': [2, 4] }, seeds: [0, 1] },
  tags: ['kd'],
}

let lab: Lab
let dir: string
let cleanup: () => void
let side: Store
beforeEach(async () => {
  ;({ dir, cleanup } = tempDir())
  lab = await createLab({ dataDir: dir, schedule: false })
  // A second connection plays the scheduler: it settles runs and writes their results.
  side = openStore(lab.dbPath)
})
afterEach(async () => {
  side.close()
  await lab.stop()
  cleanup()
})

async function refused(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(LabError)
  expect((error as LabError).code).toBe(code)
  expect((error as LabError).message).toMatch(message)
}

/** Launches the KD spec (2 teachers, 2 baselines, 4 students) and finishes every run with results. */
async function finishedKd(): Promise<{ ids: number[]; rows: { id: number; role: string; seed: number; label: string }[] }> {
  const { runIds } = await lab.call('experiments.launch', { spec: KD_SPEC })
  const rows = (await lab.call('runs.list', { limit: 100 })).rows
  for (const r of rows) {
    side.runs.start(r.id)
    side.runs.settle(r.id, 'finished', null)
    const t = r.label.includes('T=4') ? 4 : r.label.includes('T=2') ? 2 : 0
    const acc = r.role === 'teacher' ? 0.97 : r.role === 'baseline' ? 0.9 : 0.9 + t / 100 + r.seed / 1000
    side.outputs.setResults(r.id, { 'test.accuracy': acc, params: r.role === 'teacher' ? 25_000 : 12_000 + t })
  }
  return { ids: runIds, rows }
}

describe('launch form support', () => {
  it('lists the bundled examples with their run counts, and serves the spec JSON Schema', async () => {
    const examples = await lab.call('specs.examples', {})
    expect(examples.length).toBeGreaterThan(0)
    const kd = examples.find((e) => e.name === 'kd-mnist')
    expect(kd).toBeDefined()
    expect(kd?.runCount).toBeGreaterThan(1)
    expect(kd?.spec).toMatchObject({ name: 'kd-mnist' })
    const schema = await lab.call('specs.schema', {})
    expect(schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['name', 'dataset', 'model']) })
  })
})

describe('run actions', () => {
  it('refuses to delete a queued run, deletes finished ones with their files, and says so by event', async () => {
    const { runIds } = await lab.call('experiments.launch', { spec: { name: 'two', dataset: { name: 'mnist-10k', trainLimit: 100 }, model: { arch: 'mlp', hidden: [8] }, sweep: { seeds: [0, 1] } } })
    await refused(lab.call('runs.delete', { ids: runIds }), 'conflict', /cancel #\d+, #\d+ first/)
    await refused(lab.call('runs.delete', { ids: [999] }), 'not_found', /run #999 does not exist/)
    for (const id of runIds) await lab.call('runs.cancel', { id })
    const folder = join(dir, 'artifacts', `run-${runIds[0]}`)
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'model.json'), '{}')
    const events: EventPayloads['run.deleted'][] = []
    const off = lab.subscribe('run.deleted', (p) => events.push(p))
    expect(await lab.call('runs.delete', { ids: [runIds[0]] })).toEqual({ deleted: [runIds[0]] })
    off()
    expect(events).toEqual([{ runIds: [runIds[0]] }])
    expect(existsSync(folder)).toBe(false)
    expect((await lab.call('experiments.list', {}))[0].runCount).toBe(1)
    // The last run of an experiment takes the experiment with it.
    await lab.call('runs.delete', { ids: [runIds[1]] })
    expect(await lab.call('experiments.list', {})).toEqual([])
  })

  it("keeps a student when its teacher is deleted, but not while the student still waits for it", async () => {
    const { ids, rows } = await finishedKd()
    const teacher = rows.find((r) => r.role === 'teacher')!
    // A re-run student waits on nothing (its teacher finished); a re-run teacher is queued: its
    // re-run student waits for it, so the new teacher cannot be deleted.
    const student = rows.find((r) => r.role === 'student' && r.seed === 0)!
    const { runIds: again } = await lab.call('runs.rerun', { ids: [teacher.id, student.id] })
    await refused(lab.call('runs.delete', { ids: [again[0]] }), 'conflict', /cancel/)
    await lab.call('runs.cancel', { id: again[1] })
    await lab.call('runs.cancel', { id: again[0] })
    expect((await lab.call('runs.delete', { ids: [teacher.id] })).deleted).toEqual([teacher.id])
    const kept = await lab.call('runs.get', { id: student.id })
    expect(kept.teacherRunId).toBeNull()
    expect(kept.status).toBe('finished')
    expect(ids.length).toBe(8)
  })

  it('re-runs a run with the same configuration, and a student with its re-run teacher', async () => {
    const { rows } = await finishedKd()
    const teacher = rows.find((r) => r.role === 'teacher' && r.seed === 1)!
    const student = rows.find((r) => r.role === 'student' && r.seed === 1)!
    const created: EventPayloads['run.created'][] = []
    const off = lab.subscribe('run.created', (p) => created.push(p))
    const { runIds } = await lab.call('runs.rerun', { ids: [student.id, teacher.id] })
    off()
    expect(created).toHaveLength(1)
    const [newTeacher, newStudent] = await Promise.all(runIds.map((id) => lab.call('runs.get', { id })))
    // Returned in id order: the teacher first.
    expect(newTeacher.role).toBe('teacher')
    expect(newTeacher.status).toBe('queued')
    expect(newTeacher.label).toBe(`${teacher.label} (re-run)`)
    expect(newTeacher.tags).toEqual(['kd'])
    expect(newStudent.teacherRunId).toBe(newTeacher.id)
    expect(newStudent.dependsOn).toEqual([newTeacher.id])
    expect(newStudent.params['method.teacher']).toBe(`run #${newTeacher.id}`)
    const old = await lab.call('runs.get', { id: student.id })
    const { 'method.teacher': _a, ...rest } = old.params
    const { 'method.teacher': _b, ...restNew } = newStudent.params
    expect(restNew).toEqual(rest)
    // A second re-run gets a fresh key; a queued run cannot be re-run.
    const second = await lab.call('runs.rerun', { ids: [teacher.id] })
    expect((await lab.call('runs.get', { id: second.runIds[0] })).key).toMatch(/~r2$/)
    await refused(lab.call('runs.rerun', { ids: [newTeacher.id] }), 'conflict', /still queued or running/)
  })

  it('refuses to re-run a student alone whose teacher failed', async () => {
    const { rows } = await finishedKd()
    const teacher = rows.find((r) => r.role === 'teacher' && r.seed === 0)!
    const student = rows.find((r) => r.role === 'student' && r.seed === 0)!
    side.db.prepare("UPDATE runs SET status = 'failed' WHERE id = ?").run(teacher.id)
    await refused(lab.call('runs.rerun', { ids: [student.id] }), 'conflict', /which failed: re-run both together/)
  })

  it('tags and notes runs, telling other clients to refetch them', async () => {
    const { ids } = await finishedKd()
    const updated: number[][] = []
    const off = lab.subscribe('run.updated', (p) => updated.push(p.runIds))
    const tagged = await lab.call('runs.tag', { ids: ids.slice(0, 2), add: ['best', ' keep '], remove: ['kd'] })
    expect(tagged.tags).toEqual([
      { id: ids[0], tags: ['best', 'keep'] },
      { id: ids[1], tags: ['best', 'keep'] },
    ])
    expect(await lab.call('runs.note', { id: ids[0], body: 'looks good' })).toEqual({ id: ids[0], note: 'looks good' })
    expect((await lab.call('runs.get', { id: ids[0] })).notes).toBe('looks good')
    expect((await lab.call('runs.note', { id: ids[0], body: '  ' })).note).toBeNull()
    off()
    expect(updated).toEqual([ids.slice(0, 2), [ids[0]], [ids[0]]])
  })
})

describe('runs table columns', () => {
  it('lists parameter keys with their distinct counts and one key across all runs', async () => {
    await finishedKd()
    const { keys } = await lab.call('runs.paramKeys', {})
    expect(keys.find((k) => k.key === 'method.temperature')).toEqual({ key: 'method.temperature', distinct: 2 })
    expect(keys.find((k) => k.key === 'role')?.distinct).toBe(3)
    const { values } = await lab.call('runs.paramValues', { keys: ['method.temperature', 'model.hidden', 'training.stopOnNaN'] })
    expect(Object.values(values['method.temperature']).sort()).toEqual([2, 2, 4, 4])
    expect(new Set(Object.values(values['model.hidden']))).toEqual(new Set(['[16]', '[32]']))
    expect(new Set(Object.values(values['training.stopOnNaN']))).toEqual(new Set([true]))
    await refused(lab.call('runs.paramValues', { keys: ['a"b'] }), 'invalid_input', /dotted key/)
  })
})

describe('compare and sweeps', () => {
  it('builds the compare sheet in the order asked, with differences and the best marked', async () => {
    const { rows } = await finishedKd()
    const students = rows.filter((r) => r.role === 'student' && r.seed === 0)
    side.metrics.add(students[0].id, [{ key: 'val.accuracy', step: 1, value: 0.5 }])
    const sheet = await lab.call('compare.sheet', { runIds: [students[1].id, students[0].id] })
    expect(sheet.runs.map((r) => r.id)).toEqual([students[1].id, students[0].id])
    expect(sheet.params.filter((p) => p.differs).map((p) => p.key)).toEqual(['method.temperature'])
    expect(sheet.results.find((r) => r.key === 'test.accuracy')?.best).toEqual([students[1].id])
    expect(sheet.metricKeys).toEqual(['val.accuracy'])
  })

  it('pivots temperature → student accuracy with the gain over the student alone, mean ± std over seeds', async () => {
    const { ids } = await finishedKd()
    const experimentId = (await lab.call('runs.get', { id: ids[0] })).experimentId
    const p = await lab.call('sweeps.pivot', { experimentId, roles: ['student'], rows: 'method.temperature', metrics: ['test.accuracy', 'gain.test.accuracy'] })
    expect(p.rowValues).toEqual([2, 4])
    expect(p.cells[0][0][0].mean).toBeCloseTo(0.9205, 12)
    expect(p.cells[0][0][0].std).toBeCloseTo(Math.SQRT1_2 / 1000, 12)
    expect(p.cells[1][0][1].mean).toBeCloseTo(0.0405, 12)
    expect(p.skipped).toBe(0)
    expect(p.available.metrics).toContain('gain.test.accuracy')
    expect(p.available.params.map((x) => x.key)).toContain('seed')

    const m = await lab.call('sweeps.pivot', { experimentId, roles: ['student'], rows: 'teacher.model.hidden', columns: 'model.hidden', metrics: ['test.accuracy'] })
    expect(m.rowValues).toEqual(['[32]'])
    expect(m.columnValues).toEqual(['[16]'])
    expect(m.cells[0][0][0].n).toBe(4)

    const front = await lab.call('sweeps.pareto', { experimentId, x: 'params', y: 'test.accuracy' })
    expect(front.points).toHaveLength(8)
    // Equal baselines and teachers stay together; of the students, the best seed at each size.
    expect(front.points.filter((pt) => pt.front).map((pt) => `${pt.role} ${pt.y.toFixed(3)}`)).toEqual(['baseline 0.900', 'baseline 0.900', 'student 0.921', 'student 0.941', 'teacher 0.970', 'teacher 0.970'])
    await refused(lab.call('sweeps.pivot', { experimentId: 99, rows: 'seed', metrics: ['params'] }), 'not_found', /experiment #99/)
  })

  it('builds the teacher × student and seeds matrices once, for every adapter, saying why a selection makes none', async () => {
    const { rows } = await finishedKd()
    const t2 = rows.filter((r) => r.role !== 'student' || r.label.includes('T=2')).map((r) => r.id)
    const { table: m } = await lab.call('compare.matrix', { runIds: t2, kind: 'teacher-student' })
    if (!m) throw new Error('no matrix')
    expect(m.columns.map((c) => c.label)).toEqual(['teacher / student', 'teacher test.accuracy (%)', 'mlp 16'])
    // Students at T=2: 0.920 and 0.921 over the seeds, 0.020 and 0.021 above the baseline of the same
    // seed: +2.05 points, 95 % interval 2.05 ± 12.706 · 0.0707 / √2 = [+1.41, +2.69].
    expect(m.rows).toEqual([
      { teacher: 'mlp 32', 'teacher.metric': null, s0: '92.05 ± 0.07 (+2.05 [+1.41, +2.69])' },
      { teacher: 'student alone', 'teacher.metric': null, s0: '90.00 ± 0.00' },
    ])
    const numbers = (await lab.call('compare.matrix', { runIds: t2, kind: 'teacher-student', cells: 'numbers' })).table
    expect(numbers?.rows[0]['s0.gain']).toBeCloseTo(0.0205, 12)
    expect(numbers?.rows[0]['s0.seeds']).toBe(2)
    const seeds = (await lab.call('compare.matrix', { kind: 'seeds', columns: ['params'] })).table
    expect(seeds?.rows.map((r) => [r.role, r.configuration, r.seeds])).toEqual([
      ['teacher', 'teacher mlp 32', 2],
      ['baseline', 'student alone', 2],
      ['student', 'student T=2', 2],
      ['student', 'student T=4', 2],
    ])
    // Runs that make no matrix are an answer, not a failure: the window asks whenever its preset is on.
    expect(await lab.call('compare.matrix', { kind: 'teacher-student' })).toEqual({ table: null, reason: expect.stringMatching(/are both mlp 16 taught by mlp 32 with seed 0/) })
    expect((await lab.call('compare.matrix', { kind: 'seeds', metric: 'no.such' })).reason).toMatch(/no finished runs with no\.such/)
    await refused(lab.call('compare.matrix', { experimentId: 99, kind: 'seeds' }), 'not_found', /experiment #99/)

    // `export.matrix` (the window's and the CLI's export): readable cells in Markdown, numbers with the interval in CSV.
    const md = await lab.call('export.matrix', { runIds: t2, kind: 'teacher-student', format: 'md' })
    expect(md.filename).toBe('compression-lab-matrix-teacher-student.md')
    expect(md.content).toContain('| mlp 32 |  | 92.05 ± 0.07 (+2.05 [+1.41, +2.69]) |')
    const csv = (await lab.call('export.matrix', { runIds: t2, kind: 'teacher-student', format: 'csv' })).content.split('\r\n')
    expect(csv[0]).toBe('teacher / student,teacher test.accuracy,mlp 16 mean,mlp 16 std,mlp 16 seeds,mlp 16 gain mean,mlp 16 gain std,mlp 16 gain n,mlp 16 gain ci_low,mlp 16 gain ci_high')
    expect(Number(csv[1].split(',')[8])).toBeCloseTo(0.0205 - (12.7062 * Math.SQRT1_2) / 1000 / Math.SQRT2, 5)
    await refused(lab.call('export.matrix', { kind: 'teacher-student', format: 'md' }), 'invalid_input', /are both mlp 16 taught by mlp 32/)
  })

  it('renders any table the UI shows in each export format', async () => {
    const table = { columns: [{ key: 'T', label: 'method.temperature' }, { key: 'acc', label: 'acc mean' }], rows: [{ T: 2, acc: 0.9123456 }] }
    const csv = await lab.call('export.render', { table, format: 'csv', name: 'pivot method.temperature' })
    expect(csv).toEqual({ format: 'csv', content: 'method.temperature,acc mean\r\n2,0.9123456\r\n', mime: 'text/csv', filename: 'compression-lab-pivot-method.temperature.csv' })
    expect((await lab.call('export.render', { table, format: 'latex' })).content).toContain('\\begin{tabular}{rr}')
    expect((await lab.call('export.render', { table, format: 'md' })).content).toContain('| 2 | 0.9123 |')
  })
})

describe('model files', () => {
  const modelJson = JSON.stringify({ modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] })
  const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64')

  it('imports a TF.js model with its weights into the data folder, and refuses incomplete ones', async () => {
    const r = await lab.call('models.import', { files: [{ name: 'model.json', base64: b64(modelJson) }, { name: 'weights.bin', base64: b64(Buffer.from([1, 2, 3])) }] })
    expect(r.path).toMatch(/^imports\/model-\d{8}T\d{6}\/model\.json$/)
    expect(readFileSync(join(dir, r.path), 'utf8')).toBe(modelJson)
    expect([...readFileSync(join(dir, r.path.replace('model.json', 'weights.bin')))]).toEqual([1, 2, 3])
    await refused(lab.call('models.import', { files: [{ name: 'model.json', base64: b64(modelJson) }] }), 'invalid_input', /weight files missing: weights\.bin/)
    await refused(lab.call('models.import', { files: [{ name: '../x.json', base64: b64('{}') }] }), 'invalid_input', /not a TF\.js layers model/)
    await refused(lab.call('models.import', { files: [{ name: '.hidden', base64: '' }] }), 'invalid_input', /not an acceptable file name/)
  })

  it('reads an artifact inside the data folder, and nothing outside it', async () => {
    const { ids } = await finishedKd()
    const folder = join(dir, 'artifacts', `run-${ids[0]}`, 'model')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'model.json'), modelJson)
    const inside = side.outputs.addArtifact(ids[0], { kind: 'model', path: join(folder, 'model.json'), bytes: modelJson.length, sha256: 'x' })
    const outside = side.outputs.addArtifact(ids[0], { kind: 'model', path: '/etc/passwd', bytes: 1, sha256: 'x' })
    const read = await lab.call('artifacts.read', { id: inside })
    expect(read).toMatchObject({ name: 'model.json', mime: 'application/json', bytes: modelJson.length })
    expect(Buffer.from(read.base64, 'base64').toString()).toBe(modelJson)
    await refused(lab.call('artifacts.read', { id: outside }), 'unauthorized', /outside the lab's data folder/)
    await refused(lab.call('artifacts.read', { id: 9999 }), 'not_found', /artifact #9999/)
    expect(await lab.call('runs.layers', { id: ids[0] })).toEqual([])
  })
})
