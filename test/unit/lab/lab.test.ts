/**
 * The Lab service without workers (`schedule: false`): input validation and envelopes, launch
 * from an expanded spec, selection, tables and exports, cancel of queued runs, system info.
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabError, type EventPayloads } from '../../../src-shared/contract'
import { createLab, type Lab } from '../../../src-main/lab/index'
import { defaultDataDir } from '../../../src-main/lab/paths'
import { openStore } from '../../../src-main/store/index'
import { tempDir } from '../store/helpers'

export const KD_SPEC = {
  name: 'kd tiny',
  dataset: { name: 'mnist-10k', trainLimit: 300 },
  model: { arch: 'mlp', hidden: [16] },
  training: { epochs: 1, batchSize: 64 },
  method: {
    kind: 'distill',
    temperature: 2,
    teacher: { source: 'train', model: { arch: 'mlp', hidden: [32] } },
  },
  sweep: { grid: { 'method.temperature': [2, 4] }, seeds: [0, 1] },
  tags: ['kd'],
}

let lab: Lab
let dir: string
let cleanup: () => void
beforeEach(async () => {
  ;({ dir, cleanup } = tempDir())
  lab = await createLab({ dataDir: dir, schedule: false })
})
afterEach(async () => {
  await lab.stop()
  cleanup()
})

async function expectError(
  promise: Promise<unknown>,
  code: string,
  message: RegExp,
): Promise<LabError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(error).toBeInstanceOf(LabError)
  expect((error as LabError).code).toBe(code)
  expect((error as LabError).message).toMatch(message)
  return error as LabError
}

describe('handle', () => {
  it('answers envelopes: unknown method, invalid input naming every field, LabError codes', async () => {
    expect(await lab.handle('runs.explode', {})).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'unknown method "runs.explode"' },
    })

    const bad = await lab.handle('runs.list', { sort: 'id; DROP TABLE runs', limit: -1, extra: 1 })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.error.code).toBe('invalid_input')
    expect(bad.error.message).toMatch(/^invalid input for runs\.list: /)
    for (const field of ['sort', 'limit', 'extra']) expect(bad.error.message).toContain(field)
    expect(Array.isArray(bad.error.details)).toBe(true)

    expect(await lab.handle('runs.get', { id: 42 })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'run #42 does not exist' },
    })
    expect(await lab.handle('experiments.list', undefined)).toEqual({ ok: true, data: [] })
    const listed = await lab.handle('runs.list', {})
    expect(listed).toEqual({ ok: true, data: { rows: [], total: 0 } })
  })

  it('lists datasets, model architectures and system info', async () => {
    const datasets = await lab.call('datasets.list', {})
    expect(datasets.map((d) => d.name)).toContain('mnist-10k')
    const models = await lab.call('models.list', {})
    expect(models.map((m) => m.arch)).toEqual(expect.arrayContaining(['mlp']))
    const info = await lab.call('system.info', {})
    expect(info).toMatchObject({
      dbPath: join(dir, 'lab.db'),
      dataDir: dir,
      concurrency: 1,
      node: process.version,
    })
    expect(info.dbBytes).toBeGreaterThanOrEqual(statSync(join(dir, 'lab.db')).size)
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(typeof info.doctor.backend).toBe('string')
  })
})

describe('experiments.validate and launch', () => {
  it('validate names every problem and writes nothing', async () => {
    const result = await lab.call('experiments.validate', {
      spec: {
        name: '',
        dataset: { name: 'mnist-10k', trainLimit: -5 },
        model: { arch: 'mlp', hidden: [0] },
        trainng: {},
      },
    })
    expect(result.valid).toBe(false)
    const paths = result.issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['name', 'dataset.trainLimit', 'model.hidden[0]']))
    expect(result.issues.some((i) => i.message.includes('trainng'))).toBe(true)
    expect(await lab.call('experiments.list', {})).toEqual([])
  })

  it("validate and launch report the engine's checks of each run (a missing data file)", async () => {
    const spec = {
      name: 'own digits',
      dataset: { name: 'idx', trainImages: 'digits-images.idx', trainLabels: 'digits-labels.idx' },
      model: { arch: 'mlp', hidden: [16] },
      sweep: { seeds: [0, 1] },
    }
    const result = await lab.call('experiments.validate', { spec })
    expect(result.valid).toBe(false)
    expect(result.runCount).toBe(2)
    expect(result.issues).toHaveLength(1)
    expect(result.issues[0].path).toBe('runs')
    expect(result.issues[0].message).toContain('digits-images.idx')
    await expectError(
      lab.call('experiments.launch', { spec }),
      'invalid_input',
      /^invalid spec: runs: .*digits-images\.idx/,
    )
    expect(await lab.call('experiments.list', {})).toEqual([])
  })

  it('validate lists the runs a valid spec expands to', async () => {
    const result = await lab.call('experiments.validate', { spec: KD_SPEC })
    expect(result).toMatchObject({ valid: true, issues: [], runCount: 8 })
    expect(result.runs.map((r) => r.role)).toEqual([
      'teacher',
      'teacher',
      'baseline',
      'baseline',
      'student',
      'student',
      'student',
      'student',
    ])
  })

  it('launch inserts the experiment and every run with resolved dependencies, and emits run.created', async () => {
    const created: EventPayloads['run.created'][] = []
    const off = lab.subscribe('run.created', (p) => created.push(p))
    const { experimentId, runIds } = await lab.call('experiments.launch', { spec: KD_SPEC })
    off()
    expect(created).toEqual([{ experimentId, runIds }])
    expect(runIds).toHaveLength(8)

    const details = await Promise.all(runIds.map((id) => lab.call('runs.get', { id })))
    const teachers = details.filter((d) => d.role === 'teacher')
    const students = details.filter((d) => d.role === 'student')
    expect(teachers.map((t) => t.seed)).toEqual([0, 1])
    for (const s of students) {
      const teacher = teachers.find((t) => t.seed === s.seed)
      expect(s.dependsOn).toEqual([teacher?.id])
      expect(s.teacherRunId).toBe(teacher?.id)
      expect(s.method).toBe('distill')
      expect(s.params).toMatchObject({
        role: 'student',
        'method.kind': 'distill',
        'model.hidden': [16],
        seed: s.seed,
      })
      expect(s.params['method.teacher']).toBe(`run #${teacher?.id}`)
      expect(JSON.stringify(s.params)).not.toMatch(/runKey|launch key/)
      expect([2, 4]).toContain(s.params['method.temperature'])
    }
    for (const d of details) {
      expect(d.status).toBe('queued')
      expect(d.tags).toEqual(['kd'])
      expect(d.experimentId).toBe(experimentId)
    }
    expect(
      details
        .filter((d) => d.role === 'baseline')
        .every((d) => d.dependsOn.length === 0 && d.teacherRunId === null),
    ).toBe(true)

    const [experiment] = await lab.call('experiments.list', {})
    expect(experiment).toMatchObject({
      id: experimentId,
      name: 'kd tiny',
      runCount: 8,
      statusCounts: { queued: 8 },
    })
    const students4 = await lab.call('runs.list', {
      experimentId,
      role: 'student',
      search: 'T=4',
      sort: 'seed',
      direction: 'desc',
    })
    expect(students4.rows.map((r) => r.label)).toEqual(['student T=4 seed 1', 'student T=4 seed 0'])
  })

  it('refuses an invalid spec with every issue, and a teacher run that does not exist or is unfinished', async () => {
    const err = await expectError(
      lab.call('experiments.launch', { spec: { ...KD_SPEC, name: '', training: { epochs: 0 } } }),
      'invalid_input',
      /^invalid spec \(2 problems\): /,
    )
    expect(err.message).toContain('name: ')
    expect(err.message).toContain('training.epochs: ')
    expect(err.details).toHaveLength(2)

    const byRun = (runId: number): unknown => ({
      ...KD_SPEC,
      sweep: undefined,
      method: { kind: 'distill', teacher: { source: 'run', runId } },
    })
    await expectError(
      lab.call('experiments.launch', { spec: byRun(77) }),
      'invalid_input',
      /teacher run #77 does not exist/,
    )
    const { runIds } = await lab.call('experiments.launch', { spec: KD_SPEC })
    await expectError(
      lab.call('experiments.launch', { spec: byRun(runIds[0]) }),
      'invalid_input',
      new RegExp(`teacher run #${runIds[0]} is not finished \\(it is queued\\)`),
    )
    const check = await lab.call('experiments.validate', { spec: byRun(runIds[0]) })
    expect(check.issues).toEqual([
      {
        path: 'method.teacher.runId',
        message: `teacher run #${runIds[0]} is not finished (it is queued)`,
      },
    ])
    // Nothing of the refused launches was written.
    expect((await lab.call('experiments.list', {})).length).toBe(1)
    expect((await lab.call('runs.list', {})).total).toBe(8)
  })
})

describe('runs.cancel, compare.table and export.table', () => {
  it('cancels a queued run once', async () => {
    const statuses: EventPayloads['run.status'][] = []
    lab.subscribe('run.status', (p) => statuses.push(p))
    const { runIds } = await lab.call('experiments.launch', { spec: KD_SPEC })
    expect(await lab.call('runs.cancel', { id: runIds[0] })).toEqual({
      id: runIds[0],
      status: 'cancelled',
    })
    expect(statuses).toEqual([{ runId: runIds[0], status: 'cancelled', error: null }])
    await expectError(
      lab.call('runs.cancel', { id: runIds[0] }),
      'conflict',
      new RegExp(`run #${runIds[0]} is already cancelled`),
    )
    await expectError(lab.call('runs.cancel', { id: 999 }), 'not_found', /run #999 does not exist/)
  })

  it('builds the comparison from runs, an experiment or everything, and exports it', async () => {
    const { experimentId, runIds } = await lab.call('experiments.launch', { spec: KD_SPEC })
    // Results as a finished run would have them (written through a second connection, like a test fixture).
    const store = openStore(lab.dbPath)
    store.outputs.setResults(runIds[4], {
      'test.accuracy': 0.8125,
      'test.loss': 0.61,
      params: 12730,
    })
    store.outputs.setResults(runIds[6], { 'test.accuracy': 0.75, 'test.loss': 0.7, params: 12730 })
    store.close()

    const table = await lab.call('compare.table', { runIds: [runIds[4], runIds[6]] })
    // Students at T=2 seed 0 and T=2 seed 1: only the seed and so the teacher (by run id) differ.
    const [teacher0, teacher1] = runIds
    expect(table.differing).toEqual(['method.teacher', 'seed'])
    expect(table.columns.map((c) => c.key)).toEqual([
      'id',
      'experiment',
      'label',
      'role',
      'status',
      'method.teacher',
      'seed',
      'test.accuracy',
      'test.loss',
      'params',
    ])
    expect(
      table.rows.map((r) => [r.label, r['method.teacher'], r.seed, r['test.accuracy']]),
    ).toEqual([
      ['student T=2 seed 0', `run #${teacher0}`, 0, 0.8125],
      ['student T=2 seed 1', `run #${teacher1}`, 1, 0.75],
    ])
    // A temperature sweep shares its teacher: only the temperature differs.
    const sweep = await lab.call('compare.table', { runIds: [runIds[4], runIds[5]] })
    expect(sweep.differing).toEqual(['method.temperature'])
    const csv = await lab.call('export.table', { runIds: [runIds[4], runIds[6]], format: 'csv' })
    expect(csv).toMatchObject({
      format: 'csv',
      mime: 'text/csv',
      filename: 'compression-lab-runs.csv',
    })
    expect(csv.content).toBe(
      'id,experiment,run,role,status,method.teacher,seed,test.accuracy,test.loss,params\r\n' +
        `${runIds[4]},kd tiny,student T=2 seed 0,student,queued,run #${teacher0},0,0.8125,0.61,12730\r\n` +
        `${runIds[6]},kd tiny,student T=2 seed 1,student,queued,run #${teacher1},1,0.75,0.7,12730\r\n`,
    )

    const whole = await lab.call('compare.table', { experimentId })
    expect(whole.rows).toHaveLength(8)
    expect(whole.differing).toEqual(
      expect.arrayContaining(['role', 'model.hidden', 'method.kind', 'method.temperature', 'seed']),
    )
    const md = await lab.call('export.table', { experimentId, format: 'md' })
    expect(md.filename).toBe(`compression-lab-experiment-${experimentId}.md`)
    expect(md.content.split('\n')[0]).toMatch(/^\| id \| experiment \| run \| role \| status \|/)
    const latex = await lab.call('export.table', { format: 'latex' })
    expect(latex.content).toMatch(/^% needs \\usepackage\{booktabs\}\n\\begin\{tabular\}/)
    expect(latex.content).toContain('\\toprule')
    expect(latex.filename).toBe('compression-lab-all-runs.tex')
    const json = await lab.call('export.table', { format: 'json' })
    expect((JSON.parse(json.content) as { rows: unknown[] }).rows).toHaveLength(8)

    await expectError(
      lab.call('compare.table', { runIds: [runIds[0], 4040, 5050] }),
      'not_found',
      /^runs #4040, #5050 do not exist$/,
    )
    await expectError(
      lab.call('compare.table', { experimentId: 99 }),
      'not_found',
      /experiment #99 does not exist/,
    )
    const badFormat = await lab.handle('export.table', { format: 'xlsx' })
    expect(badFormat.ok === false && badFormat.error.code).toBe('invalid_input')
  })
})

describe('paths and opening', () => {
  it('defaults to $XDG_DATA_HOME/compression-lab, else ~/.local/share/compression-lab', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/data/xdg' })).toBe('/data/xdg/compression-lab')
    expect(defaultDataDir({})).toMatch(/\/\.local\/share\/compression-lab$/)
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative/path' })).toMatch(
      /\/\.local\/share\/compression-lab$/,
    )
  })

  it.skipIf(!existsSync('/proc/self'))(
    'fails fast where folders cannot be made (under /proc, where a recursive mkdir spins)',
    async () => {
      await expect(
        createLab({ dataDir: '/proc/complab-no/data', schedule: false }),
      ).rejects.toThrow(
        'cannot create the data folder /proc/complab-no/data: cannot create /proc/complab-no',
      )
      // A --db outside the data folder is checked first: the error names the database.
      await expect(
        createLab({ dataDir: '/proc/complab-no/x-data', dbPath: '/proc/complab-no/x.db' }),
      ).rejects.toThrow('cannot open database /proc/complab-no/x.db: directory does not exist')
    },
  )

  it('fails with one clear line when the database folder does not exist', async () => {
    const dbPath = join(dir, 'nope', 'lab.db')
    await expect(createLab({ dataDir: dir, dbPath, schedule: false })).rejects.toThrow(
      `cannot open database ${dbPath}: directory does not exist`,
    )
  })
})
