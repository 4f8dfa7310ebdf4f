import { describe, expect, it } from 'vitest'
import { expandSpec, flattenParams, runParams, stableStringify } from '../../../src-shared/spec/expand'
import { specJsonSchema } from '../../../src-shared/spec/schema'

const base = {
  name: 'kd',
  dataset: { name: 'mnist-10k' },
  model: { arch: 'mlp', hidden: [16] },
  training: { epochs: 2, batchSize: 64 },
}

describe('expandSpec', () => {
  it('expands a plain training spec over seeds, applying defaults', () => {
    const r = expandSpec({ ...base, sweep: { seeds: [0, 1, 2] } })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.runs.map((x) => x.key)).toEqual(['run-0', 'run-1', 'run-2'])
    expect(r.runs.map((x) => x.seed)).toEqual([0, 1, 2])
    expect(r.runs[0].config.training.learningRate).toBe(1e-3)
    expect(r.runs[0].config.dataset).toEqual({ name: 'mnist-10k', testFraction: 0.2, splitSeed: 0 })
    expect(r.runs[0].role).toBe('model')
  })

  it('builds grid × seeds for distillation with shared teachers and baselines', () => {
    const r = expandSpec({
      ...base,
      method: { kind: 'distill', teacher: { source: 'train', model: { arch: 'mlp', hidden: [64] }, training: { epochs: 3 } } },
      sweep: { grid: { 'method.temperature': [1, 2, 4], 'method.alpha': [0.5, 0.9] }, seeds: [0, 1] },
    })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const roles = r.runs.map((x) => x.role)
    // 2 teachers (one per seed), 2 baselines (one per seed), 3×2×2 students.
    expect(roles.filter((x) => x === 'teacher')).toHaveLength(2)
    expect(roles.filter((x) => x === 'baseline')).toHaveLength(2)
    expect(roles.filter((x) => x === 'student')).toHaveLength(12)
    // Teachers and baselines come first in the queue.
    expect(roles.slice(0, 4).sort()).toEqual(['baseline', 'baseline', 'teacher', 'teacher'])
    const teachers = r.runs.filter((x) => x.role === 'teacher')
    expect(teachers[0].config.training.epochs).toBe(3)
    expect(teachers[0].config.training.batchSize).toBe(64)
    for (const s of r.runs.filter((x) => x.role === 'student')) {
      const teacher = teachers.find((t) => t.seed === s.seed)!
      expect(s.dependsOn).toEqual([teacher.key])
      expect(s.config.method).toMatchObject({ kind: 'distill', teacher: [{ runKey: teacher.key }] })
    }
    const temps = r.runs.filter((x) => x.role === 'student' && x.seed === 1).map((x) => [x.config.method.kind === 'distill' && x.config.method.temperature, x.sweepPoint['method.alpha']])
    expect(temps).toEqual([[1, 0.5], [1, 0.9], [2, 0.5], [2, 0.9], [4, 0.5], [4, 0.9]])
    expect(r.runs.find((x) => x.role === 'student')!.label).toBe('student T=1 α=0.5 seed 0')
  })

  it('trains an imported or earlier model further: `from` becomes the run\'s model reference', () => {
    for (const [from, ref, text] of [
      [{ source: 'import', path: 'keras/model.json' }, { path: 'keras/model.json' }, 'file keras/model.json'],
      [{ source: 'run', runId: 4 }, { runId: 4 }, 'run #4'],
    ] as const) {
      const r = expandSpec({ ...base, method: { kind: 'train', from } })
      if (!r.ok) throw new Error(JSON.stringify(r.issues))
      expect(r.runs.map((x) => [x.role, x.config.method])).toEqual([['model', { kind: 'train', from: ref }]])
      const params = runParams(r.runs[0])
      expect(params['method.from']).toBe(text)
      expect(Object.keys(params).filter((k) => k.startsWith('method.from.'))).toEqual([])
    }
  })

  it('refers to an earlier run as teacher without creating a teacher run', () => {
    const r = expandSpec({ ...base, method: { kind: 'distill', baseline: false, teacher: { source: 'run', runId: 7 } } })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.runs).toHaveLength(1)
    expect(r.runs[0].dependsOn).toEqual([])
    expect(r.runs[0].config.method).toMatchObject({ teacher: [{ runId: 7 }] })
  })

  it('expands an ensemble teacher into one shared run per trained member', () => {
    const r = expandSpec({
      ...base,
      method: {
        kind: 'distill',
        baseline: false,
        teacher: {
          source: 'ensemble',
          members: [
            { source: 'train', model: { arch: 'mlp', hidden: [64] } },
            { source: 'train', model: { arch: 'mlp', hidden: [32] } },
            { source: 'run', runId: 3 },
            { source: 'import', path: 'keras/model.json' },
          ],
        },
      },
      sweep: { grid: { 'method.temperature': [2, 4] }, seeds: [0] },
    })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const teachers = r.runs.filter((x) => x.role === 'teacher')
    expect(teachers.map((t) => t.label)).toEqual(['teacher mlp 64 seed 0', 'teacher mlp 32 seed 0'])
    for (const s of r.runs.filter((x) => x.role === 'student')) {
      expect(s.dependsOn).toEqual(teachers.map((t) => t.key))
      expect(s.config.method).toMatchObject({
        teacher: [{ runKey: teachers[0].key }, { runKey: teachers[1].key }, { runId: 3 }, { path: 'keras/model.json' }],
      })
    }
  })

  it('adds one shared unpruned parent per seed for a pruning sweep', () => {
    const r = expandSpec({
      ...base,
      method: { kind: 'prune', criterion: 'l1', target: { ratio: 0.5 }, parent: { source: 'train', training: { epochs: 4 } } },
      sweep: { grid: { 'method.criterion': ['taylor', 'l1', 'random'], 'method.target.ratio': [0.25, 0.5] }, seeds: [0, 1] },
    })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const parents = r.runs.filter((x) => x.role === 'parent')
    expect(parents).toHaveLength(2)
    expect(parents[0].config.training.epochs).toBe(4)
    expect(parents[0].config.method).toEqual({ kind: 'train' })
    const pruned = r.runs.filter((x) => x.role === 'pruned')
    expect(pruned).toHaveLength(12)
    for (const p of pruned) {
      const parent = parents.find((x) => x.seed === p.seed)!
      expect(p.dependsOn).toEqual([parent.key])
      expect(p.config.method).toMatchObject({ kind: 'prune', parent: { runKey: parent.key } })
    }
    expect(pruned[0].label).toBe('prune criterion=taylor ratio=0.25 seed 0')
  })

  it('labels a sweep over whole method objects by what differs between them', () => {
    const r = expandSpec({
      ...base,
      sweep: {
        grid: {
          method: [
            { kind: 'singh', cutoff: 0.5 },
            { kind: 'prune', criterion: 'taylor', target: { ratio: 0.3 } },
            { kind: 'prune', criterion: 'l1', target: { ratio: 0.3 } },
          ],
        },
      },
    })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.runs.filter((x) => x.role === 'pruned').map((x) => x.label)).toEqual([
      'singh seed 0',
      'prune criterion=taylor seed 0',
      'prune criterion=l1 seed 0',
    ])
    // One prune object beside singh: the criterion still names the run.
    const two = expandSpec({ ...base, sweep: { grid: { method: [{ kind: 'prune', criterion: 'taylor', target: { params: 0.3 } }, { kind: 'singh' }] } } })
    if (!two.ok) throw new Error(JSON.stringify(two.issues))
    expect(two.runs.filter((x) => x.role === 'pruned').map((x) => x.label)).toEqual(['prune taylor seed 0', 'singh seed 0'])
  })

  it('names the students of a swept model, and their students alone, by the model', () => {
    const r = expandSpec({
      ...base,
      method: { kind: 'distill', baseline: true, teacher: { source: 'train', model: { arch: 'lenet5' } } },
      sweep: { grid: { model: [{ arch: 'mlp', hidden: [8] }, { arch: 'mlp', hidden: [4, 4] }] }, seeds: [0] },
    })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.runs.map((x) => `${x.role} ${x.label}`)).toEqual([
      'teacher teacher lenet5 seed 0',
      'baseline student alone mlp 8 seed 0',
      'baseline student alone mlp 4-4 seed 0',
      'student student mlp 8 seed 0',
      'student student mlp 4-4 seed 0',
    ])
  })

  it('gives a detection distillation its detect teacher and baseline, and a detector pruning its detect parent', () => {
    const detection = { name: 'det', dataset: { name: 'shapes', imageSize: 32 }, model: { arch: 'denseStackedStudent' } }
    const kd = expandSpec({
      ...detection,
      method: { kind: 'detect-distill', teacher: { source: 'train', model: { arch: 'tinyYolo' } } },
      sweep: { grid: { 'method.fmNms': [false, true] } },
    })
    if (!kd.ok) throw new Error(JSON.stringify(kd.issues))
    expect(kd.runs.map((x) => [x.role, x.config.method.kind, x.label])).toEqual([
      ['teacher', 'detect', 'teacher tinyYolo seed 0'],
      ['baseline', 'detect', 'student alone seed 0'],
      ['student', 'detect-distill', 'student method.fmNms=false seed 0'],
      ['student', 'detect-distill', 'student method.fmNms=true seed 0'],
    ])
    const pruned = expandSpec({ ...detection, method: { kind: 'singh' } })
    if (!pruned.ok) throw new Error(JSON.stringify(pruned.issues))
    expect(pruned.runs.map((x) => [x.role, x.config.method.kind])).toEqual([
      ['parent', 'detect'],
      ['pruned', 'singh'],
    ])
  })

  it('refuses a pruning target with nothing set and a ratio outside (0, 1)', () => {
    const none = expandSpec({ ...base, method: { kind: 'prune', target: {} } })
    expect(none.ok).toBe(false)
    if (!none.ok) expect(none.issues[0]).toMatchObject({ path: 'method.target' })
    const bad = expandSpec({ ...base, method: { kind: 'prune', target: { ratio: 1 } } })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.issues[0].path).toBe('method.target.ratio')
  })

  it('names every bad field of an invalid spec', () => {
    const r = expandSpec({
      name: '',
      dataset: { name: 'cifar-100' },
      model: { arch: 'mlp', hidden: [0] },
      training: { epochs: -1, learningRat: 0.1 },
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    const paths = r.issues.map((i) => i.path)
    expect(paths).toContain('name')
    expect(paths).toContain('dataset.name')
    expect(paths).toContain('model.hidden[0]')
    expect(paths).toContain('training.epochs')
    expect(r.issues.find((i) => i.path === 'training')?.message).toMatch(/learningRat/)
  })

  it('reports a grid value that does not validate, naming the axis point', () => {
    const r = expandSpec({
      ...base,
      method: { kind: 'distill', teacher: { source: 'run', runId: 1 } },
      sweep: { grid: { 'method.temperature': [2, -1] } },
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0].path).toBe('sweep.grid at T=-1 → method.temperature')
  })

  it('refuses a grid axis on a field the method does not have', () => {
    const r = expandSpec({ ...base, sweep: { grid: { 'method.temperature': [2] } } })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues[0].message).toMatch(/temperature/)
  })

  it('refuses sweeping the sweep itself', () => {
    const r = expandSpec({ ...base, sweep: { grid: { 'sweep.seeds': [[1]] } } })
    expect(r.ok).toBe(false)
  })

  it('flattens params to dotted keys, keeping arrays whole', () => {
    expect(flattenParams({ a: { b: 1, c: [1, 2] }, d: 'x', e: undefined })).toEqual({ 'a.b': 1, 'a.c': [1, 2], d: 'x' })
    const r = expandSpec(base)
    if (!r.ok) throw new Error('invalid')
    const p = runParams(r.runs[0])
    expect(p['model.hidden']).toEqual([16])
    expect(p['method.kind']).toBe('train')
    expect(p.role).toBe('model')
    expect(p.seed).toBe(0)
  })

  it('stableStringify sorts keys', () => {
    expect(stableStringify({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}')
  })

  it('generates a JSON Schema for the launch form', () => {
    const s = specJsonSchema() as { properties: Record<string, unknown>; required: string[] }
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['name', 'dataset', 'model', 'training', 'method', 'sweep']))
    expect(s.required).toEqual(expect.arrayContaining(['name', 'dataset', 'model']))
  })
})
