/** The teacher × student matrix: rows teachers, columns students, mean ± std over seeds and paired gains. */
import { describe, expect, it } from 'vitest'
import { configurationLabel, seedSummary, teacherStudentMatrix, type MatrixRun } from '../../../../src-main/lab/analysis/matrix'
import { modelName } from '../../../../src-main/lab/analysis/model-names'
import { toMarkdown } from '../../../../src-main/lab/analysis/export-formats'

const mlp = (hidden: number[]): Record<string, unknown> => ({ 'model.arch': 'mlp', 'model.hidden': hidden, 'model.dropout': 0, 'training.epochs': 5 })
const lenet = { 'model.arch': 'lenet5', 'model.filters': [6, 16], 'model.dropout': 0.25, 'training.epochs': 5 }

let nextId = 1
const run = (role: string, params: Record<string, unknown>, seed: number, acc: number, extra: Record<string, number> = {}): MatrixRun => ({
  id: nextId++,
  experimentId: 1,
  role,
  status: 'finished',
  seed,
  params: { ...params, seed },
  results: { 'test.accuracy': acc, ...extra },
})

// Teachers: mlp 512-512 (#1 seed 0, #2 seed 1), lenet5 (#3 seed 0, #4 seed 1).
const teachers = [run('teacher', mlp([512, 512]), 0, 0.97), run('teacher', mlp([512, 512]), 1, 0.95), run('teacher', lenet, 0, 0.99), run('teacher', lenet, 1, 0.98)]
// Students alone: mlp 32 (0.90, 0.92), mlp 128 (0.94, 0.94).
const baselines = [run('baseline', mlp([32]), 0, 0.9), run('baseline', mlp([32]), 1, 0.92), run('baseline', mlp([128]), 0, 0.94), run('baseline', mlp([128]), 1, 0.94)]
const student = (t: number, hidden: number[], seed: number, acc: number): MatrixRun =>
  run('student', { ...mlp(hidden), 'method.teacher': `run #${t}` }, seed, acc, { 'teacher.test.accuracy': teachers[t - 1].results['test.accuracy'] })
const students = [
  student(1, [32], 0, 0.91),
  student(2, [32], 1, 0.95),
  student(1, [128], 0, 0.95),
  student(2, [128], 1, 0.93),
  student(3, [32], 0, 0.92),
  student(4, [32], 1, 0.94),
  student(3, [128], 0, 0.96),
  student(4, [128], 1, 0.96),
]
const all = [...teachers, ...baselines, ...students]

describe('teacherStudentMatrix', () => {
  it('names a model by its architecture', () => {
    expect(modelName(lenet)).toBe('lenet5 6-16 dropout 0.25')
  })

  it('text cells: accuracy % mean ± std over seeds and the paired gain in points', () => {
    const t = teacherStudentMatrix(all)
    expect(t.columns.map((c) => c.label)).toEqual(['teacher / student', 'teacher test.accuracy (%)', 'mlp 32', 'mlp 128'])
    // mlp 512-512 → mlp 32: (0.91, 0.95) mean 93.00, sd 2.83; gains (+1, +3) → +2.00, s_d = √2, so the
    //   95 % interval is 2 ± 12.706 · √2 / √2 = [−10.71, +14.71]: it includes zero, not significant.
    // mlp 512-512 → mlp 128: (0.95, 0.93) mean 94.00, sd 1.41; gains (+1, −1) → 0.00 ± 12.71.
    // lenet5 → mlp 32: (0.92, 0.94) 93.00 ± 1.41, gains (+2, +2); → mlp 128: (0.96, 0.96) 96.00 ± 0.00,
    //   gains (+2, +2): no spread, the interval is the point +2.00 and excludes zero.
    expect(t.rows).toEqual([
      { teacher: 'mlp 512-512', 'teacher.metric': '96.00 ± 1.41', s0: '93.00 ± 2.83 (+2.00 [−10.71, +14.71] n.s.)', s1: '94.00 ± 1.41 (0.00 [−12.71, +12.71] n.s.)' },
      { teacher: 'lenet5 6-16 dropout 0.25', 'teacher.metric': '98.50 ± 0.71', s0: '93.00 ± 1.41 (+2.00 [+2.00, +2.00])', s1: '96.00 ± 0.00 (+2.00 [+2.00, +2.00])' },
      { teacher: 'student alone', 'teacher.metric': null, s0: '91.00 ± 1.41', s1: '94.00 ± 0.00' },
    ])
    expect(toMarkdown(t).split('\n')[0]).toBe('| teacher / student | teacher test.accuracy (%) | mlp 32 | mlp 128 |')
  })

  it('number cells: mean, std, gain and seeds in their own columns', () => {
    const t = teacherStudentMatrix(all, { cells: 'numbers' })
    expect(t.columns.map((c) => c.key)).toEqual([
      'teacher', 'teacher.metric',
      's0.mean', 's0.std', 's0.seeds', 's0.gain', 's0.gain.std', 's0.gain.n', 's0.ci_low', 's0.ci_high',
      's1.mean', 's1.std', 's1.seeds', 's1.gain', 's1.gain.std', 's1.gain.n', 's1.ci_low', 's1.ci_high',
    ])
    const row = t.rows[1]
    expect(row.teacher).toBe('lenet5 6-16 dropout 0.25')
    expect(row['teacher.metric']).toBeCloseTo(0.985, 10)
    expect(row['s0.mean']).toBeCloseTo(0.93, 10)
    expect(row['s0.gain']).toBeCloseTo(0.02, 10)
    expect(row['s0.seeds']).toBe(2)
    const first = t.rows[0]
    expect(first['s0.gain.n']).toBe(2)
    expect(first['s0.ci_low']).toBeCloseTo(0.02 - 0.12706, 4)
    expect(first['s0.ci_high']).toBeCloseTo(0.02 + 0.12706, 4)
    expect(t.rows[2]['s1.mean']).toBeCloseTo(0.94, 10)
  })

  it('ignores unfinished runs, names ensembles by their members, refuses two configurations in one cell', () => {
    const failed: MatrixRun = { ...students[0], id: 99, status: 'failed' }
    expect(teacherStudentMatrix([...all, failed]).rows[0].s0).toBe('93.00 ± 2.83 (+2.00 [−10.71, +14.71] n.s.)')
    const ensemble = run('student', { ...mlp([32]), 'method.teacher': 'run #1 + run #3' }, 0, 0.93)
    const e = teacherStudentMatrix([...teachers, ...baselines, ensemble])
    // One seed: no spread to show (the lab's one mean ± std has no std below two values).
    expect(e.rows[0]).toMatchObject({ teacher: 'mlp 512-512 + lenet5 6-16 dropout 0.25', s0: '93.00 (+3.00)' })
    const twin = run('student', { ...mlp([32]), 'method.teacher': 'run #1', 'method.temperature': 8 }, 0, 0.9)
    expect(() => teacherStudentMatrix([...all, twin])).toThrow(`runs #${students[0].id} and #${twin.id} are both mlp 32 taught by mlp 512-512 with seed 0`)
    expect(() => teacherStudentMatrix(teachers)).toThrow('no finished distillation runs')
  })
})

describe('seedSummary', () => {
  const labelled = (r: MatrixRun, label: string, errors: number): MatrixRun => ({ ...r, label, results: { ...r.results, 'test.errors': errors } })
  const runs = [
    labelled(teachers[2], 'teacher lenet5 seed 0', 20),
    labelled(teachers[3], 'teacher lenet5 seed 1', 40),
    labelled(baselines[0], 'student alone seed 0', 200),
    labelled(baselines[1], 'student alone seed 1', 160),
    labelled(students[4], 'student T=4 seed 0', 160),
    labelled(students[5], 'student T=4 seed 1', 120),
  ]

  it('groups by label without the seed: mean ± std, errors, paired gain', () => {
    expect(configurationLabel('student T=4 seed 12')).toBe('student T=4')
    expect(configurationLabel('student method.transfer={"kind":"munge","multiplier":10,"p":0.5} seed 0')).toBe('student transfer: munge multiplier=10 p=0.5')
    expect(configurationLabel('student method.teacher={"model":{"arch":"mlp","dropout":0.5,"hidden":[512,512]},"source":"train"} model.hidden=[16] seed 1')).toBe(
      'student teacher: mlp 512-512 dropout 0.5, model.hidden=[16]',
    )
    const t = seedSummary(runs)
    expect(t.rows).toEqual([
      { role: 'teacher', configuration: 'teacher lenet5', seeds: 2, metric: '98.50 ± 0.71', errors: '30.0 ± 14.1', against: null },
      { role: 'baseline', configuration: 'student alone', seeds: 2, metric: '91.00 ± 1.41', errors: '180.0 ± 28.3', against: null },
      // (0.92 − 0.90, 0.94 − 0.92) → +2.00 points, no spread: the interval is the point.
      {
        role: 'student',
        configuration: 'student T=4',
        seeds: 2,
        metric: '93.00 ± 1.41',
        errors: '140.0 ± 28.3',
        against: 'student alone',
        gain: '+2.00',
        ci: '[+2.00, +2.00]',
        significance: 'significant with 2 seeds',
      },
    ])
    const n = seedSummary(runs, { cells: 'numbers' })
    expect(n.rows[2].gain).toBeCloseTo(0.02, 10)
    expect(n.rows[2]['errors.mean']).toBe(140)
    expect(() => seedSummary([])).toThrow('no finished runs')
    // Baselines of several architectures are told apart by model.
    const grid = seedSummary([...runs, labelled(baselines[2], 'student alone seed 0', 120)])
    expect(grid.rows.map((r) => r.configuration)).toEqual(['teacher lenet5', 'student alone (mlp 32)', 'student T=4', 'student alone (mlp 128)'])
  })
})

describe('seedSummary of compression stages (issue 19 item 1)', () => {
  // unpruned mlp 16 (12,730 params) → prune l1 (3,190) → quantize int8, two seeds each, as
  // `complab run` writes them: the quantize runs record their lineage, the stage and parent do not.
  const chain = (seed: number, acc: [number, number, number]): MatrixRun[] => {
    const base = { ...mlp([16]), seed }
    const parent: MatrixRun = { id: nextId++, experimentId: 9, role: 'parent', status: 'finished', seed, label: `unpruned mlp seed ${seed}`, method: 'train', params: { ...base, 'method.kind': 'train' }, results: { 'test.accuracy': acc[0], params: 12730 } }
    const prune: MatrixRun = {
      ...parent,
      id: nextId++,
      role: 'pruned',
      label: `prune l1 seed ${seed}`,
      method: 'prune',
      parentRunId: parent.id,
      params: { ...base, 'method.kind': 'prune' },
      results: { 'test.accuracy': acc[1], params: 3190, 'parent.params': 12730, 'parent.test.accuracy': acc[0], 'accuracy.change': acc[1] - acc[0] },
    }
    const quantize: MatrixRun = {
      ...parent,
      id: nextId++,
      role: 'pruned',
      label: `quantize seed ${seed}`,
      method: 'quantize',
      parentRunId: prune.id,
      params: { ...base, 'method.kind': 'quantize', 'method.parent.source': 'stage' },
      results: {
        'test.accuracy': acc[2],
        'ort.test.accuracy': acc[2],
        'parent.test.accuracy': acc[1],
        'weights.bytes': 3500,
        'parent.weights.bytes': 12760,
        'origin.compression': 50920 / 3500,
        'origin.accuracy.change': acc[2] - acc[0],
      },
    }
    // Listed newest first, as the lab lists them: the order shown comes from the lineage.
    return [quantize, prune, parent]
  }
  const runs = [...chain(0, [0.95, 0.94, 0.93]), ...chain(1, [0.97, 0.94, 0.95])]

  it('lists the stages in lineage order, each with the one it came from and its figures against the original model', () => {
    const t = seedSummary(runs)
    expect(t.columns.map((c) => c.label)).toEqual([
      'role', 'configuration', 'stage', 'from', 'seeds', 'test.accuracy (%)', 'against', 'Δ test.accuracy (pp)', '95 % CI (pp)', 'significance',
      'weights.bytes (B)', 'origin.compression (×)', 'origin.accuracy.change (pp)', 'ort.test.accuracy (%)',
    ])
    expect(t.rows.map((r) => [r.stage, r.configuration, r.from, r.against])).toEqual([
      ['1 train', 'unpruned mlp', null, null],
      ['2 prune', 'prune l1', 'unpruned mlp', 'parent'],
      ['3 quantize', 'quantize', 'prune l1', 'parent'],
    ])
    const [parent, prune, quantize] = t.rows
    // The original: float32 weights (4 bytes a parameter), 1× itself, no change.
    expect([parent['x.weights.bytes'], parent['x.origin.compression'], parent['x.origin.accuracy.change']]).toEqual(['50,920 ± 0', '1.00 ± 0.00', '0.00 ± 0.00'])
    // The pruned stage: 12,730 / 3,190 = 3.99×; changes −1, −3 points → −2.00 ± 1.41.
    expect([prune['x.weights.bytes'], prune['x.origin.compression'], prune['x.origin.accuracy.change'], prune['x.ort.test.accuracy']]).toEqual(['12,760 ± 0', '3.99 ± 0.00', '−2.00 ± 1.41', null])
    // Quantized: its own lineage (50,920 / 3,500 = 14.55×), −2.00 points both seeds; ONNX Runtime's accuracy.
    expect([quantize['x.weights.bytes'], quantize['x.origin.compression'], quantize['x.origin.accuracy.change'], quantize['x.ort.test.accuracy']]).toEqual(['3,500 ± 0', '14.55 ± 0.00', '−2.00 ± 0.00', '94.00 ± 1.41'])
    const n = seedSummary(runs, { cells: 'numbers' })
    expect(n.rows.map((r) => r.stage)).toEqual(['1 train', '2 prune', '3 quantize'])
    expect(n.rows[2]['x.origin.compression.mean']).toBeCloseTo(50920 / 3500, 10)
  })

  it('adds nothing to runs that form no chain (a single pruning stage on its parent)', () => {
    const flat = runs.filter((r) => r.method !== 'quantize')
    const t = seedSummary(flat)
    expect(t.columns.map((c) => c.key)).not.toContain('stage')
    expect(t.columns.map((c) => c.key)).not.toContain('x.origin.compression')
  })
})

describe('seedSummary of detection runs', () => {
  const det = (role: string, label: string, seed: number, mAP: number, extra: Record<string, number> = {}): MatrixRun => ({
    id: nextId++,
    experimentId: 1,
    role,
    label: `${label} seed ${seed}`,
    status: 'finished',
    seed,
    params: { 'model.arch': 'denseStackedStudent', 'model.filters': [8, 16], seed },
    results: { 'test.mAP': mAP, ...extra },
  })
  const runs = [
    det('baseline', 'student alone', 0, 0.4, { params: 1000 }),
    det('baseline', 'student alone', 1, 0.5, { params: 1000 }),
    det('student', 'student fmNms=true', 0, 0.45, { params: 1000 }),
    det('student', 'student fmNms=true', 1, 0.6, { params: 1000 }),
  ]

  it('compares test.mAP by default, without a test-errors column, with extra columns as mean ± std', () => {
    const t = seedSummary(runs, { columns: ['params'] })
    expect(t.columns.map((c) => c.label)).toEqual([
      'role',
      'configuration',
      'seeds',
      'test.mAP (%)',
      'against',
      'Δ test.mAP (pp)',
      '95 % CI (pp)',
      'significance',
      'params',
    ])
    // Gains 0.05 and 0.10: mean 0.075, s_d 0.03536, half = 12.706 · 0.03536 / √2 = 0.3177.
    expect(t.rows[1]).toMatchObject({ role: 'student', seeds: 2, metric: '52.50 ± 10.61', gain: '+7.50', ci: '[−24.27, +39.27]', significance: 'not significant with 2 seeds', 'x.params': '1,000 ± 0' })
    const numbers = seedSummary(runs, { columns: ['params'], cells: 'numbers' })
    expect(numbers.rows[1]).toMatchObject({ mean: 0.525, 'x.params.mean': 1000, 'x.params.std': 0 })
  })

  it('names plain runs (labelled only by their seed) by model and training length', () => {
    const plainRun = (seed: number, mAP: number): MatrixRun => ({
      id: nextId++,
      experimentId: 1,
      seed,
      role: 'model',
      label: `seed ${seed}`,
      status: 'finished',
      params: { 'model.arch': 'tinyYolo', 'model.filters': [16, 32], 'training.epochs': 12, seed },
      results: { 'test.mAP': mAP },
    })
    const t = seedSummary([plainRun(0, 0.8), plainRun(1, 0.9)])
    expect(t.rows).toEqual([expect.objectContaining({ configuration: 'tinyYolo 16-32, 12 epochs', seeds: 2, metric: '85.00 ± 7.07' })])
  })

  it('shows pruned runs without a gain column, their mAP change in points', () => {
    const pruned = [det('parent', 'unpruned tinyYolo', 0, 0.8), det('pruned', 'prune taylor', 0, 0.79, { 'mAP.change': -0.01 }), det('pruned', 'prune taylor', 1, 0.81, { 'mAP.change': 0.03 })]
    const t = seedSummary(pruned, { columns: ['mAP.change'] })
    expect(t.columns.map((c) => c.key)).toEqual(['role', 'configuration', 'seeds', 'metric', 'x.mAP.change'])
    expect(t.rows[1]).toMatchObject({ configuration: 'prune taylor', metric: '80.00 ± 1.41', 'x.mAP.change': '+1.00 ± 2.83' })
  })

  it('gives pruned runs their paired difference to the parent (the parent result they record), numbers for CSV', () => {
    const pruned = [0, 1, 2].map((seed) => det('pruned', 'prune taylor', seed, [0.79, 0.8, 0.78][seed], { 'parent.test.mAP': 0.8 }))
    const n = seedSummary(pruned, { cells: 'numbers' })
    // d = −0.01, 0, −0.02: mean −0.01, s 0.01, half = 4.303 · 0.01 / √3 = 0.02484.
    expect(n.columns.map((c) => c.key)).toEqual(['role', 'configuration', 'seeds', 'mean', 'std', 'against', 'gain', 'gain.std', 'gain.n', 'ci_low', 'ci_high'])
    expect(n.rows[0]).toMatchObject({ against: 'parent', 'gain.n': 3 })
    expect(n.rows[0].gain).toBeCloseTo(-0.01, 12)
    expect(n.rows[0].ci_low).toBeCloseTo(-0.01 - 0.02484, 4)
    expect(n.rows[0].ci_high).toBeCloseTo(-0.01 + 0.02484, 4)
  })
})
