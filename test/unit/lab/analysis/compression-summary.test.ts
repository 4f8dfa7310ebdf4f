/** The compression summary of a run (issue 18 item 7): before → after, speed-up, quality changes and their interval over seeds. */
import { describe, expect, it } from 'vitest'
import { compressionSummary, layerChanges } from '../../../../src-main/lab/analysis/compression-summary'
import type { AnalysisRun } from '../../../../src-main/lab/analysis/run'

let nextId = 1
function run(role: string, seed: number, results: Record<string, number>, o: Partial<AnalysisRun> = {}): AnalysisRun {
  const id = nextId++
  return {
    id,
    experimentId: 1,
    experimentName: 'e',
    label: `${role} seed ${seed}`,
    role,
    method: role === 'pruned' ? 'prune' : role === 'student' ? 'distill' : 'train',
    seed,
    status: 'finished',
    params: { 'model.arch': 'mlp', 'model.hidden': [16], 'training.epochs': 1, seed },
    results,
    teacherRunId: null,
    parentRunId: null,
    ...o,
  }
}

const pruned = (seed: number, acc: number, parentAcc: number): AnalysisRun =>
  run('pruned', seed, {
    'test.accuracy': acc,
    'parent.test.accuracy': parentAcc,
    params: 15_426,
    'parent.params': 61_706,
    'params.nonzero': 15_426,
    macs: 15_000,
    'parent.macs': 60_000,
    'serialized.bytes': 61_704,
    'parent.serialized.bytes': 246_824,
    'latency.ms': 1,
    'parent.latency.ms': 3.26,
    speedup: 3.26,
  }, { parentRunId: 100 + seed })

describe('compressionSummary', () => {
  it('a pruned run: sizes parent → pruned, the measured speed-up, the change against the parent and over its seeds', () => {
    const seeds = [pruned(0, 0.9, 0.91), pruned(1, 0.92, 0.92), pruned(2, 0.91, 0.93)]
    const layers = [
      { phase: 'before' as const, layers: [{ name: 'dense1', kind: 'dense', units: 16, params: 12_560, macs: 12_544 }, { name: 'flatten', kind: 'flatten', units: null, params: 0, macs: 0 }] },
      { phase: 'after' as const, layers: [{ name: 'dense1', kind: 'dense', units: 10, params: 7_850, macs: 7_840 }, { name: 'flatten', kind: 'flatten', units: null, params: 0, macs: 0 }] },
    ]
    const s = compressionSummary(seeds[0], { related: [], siblings: seeds, layers })
    expect(s.kind).toBe('pruning')
    expect(s.task).toBe('classification')
    expect(s.before).toEqual({ role: 'parent', runId: 100 })
    // Non-zero params equal to params say nothing more: left out.
    expect(s.figures.map((f) => [f.key, f.before, f.after])).toEqual([
      ['params', 61_706, 15_426],
      ['macs', 60_000, 15_000],
      ['serialized.bytes', 246_824, 61_704],
      ['latency.ms', 3.26, 1],
    ])
    expect(s.speedup).toBe(3.26)
    expect(s.quality).toEqual([{ metric: 'test.accuracy', against: 'parent', runId: 100, reference: 0.91, value: 0.9, change: expect.closeTo(-0.01, 12) }])
    // d = −0.01, 0, −0.02: mean −0.01, s = 0.01, half = 4.303 · 0.01 / √3 = 0.02484.
    const [d] = s.overSeeds
    expect(d.against).toBe('parent')
    expect(d.n).toBe(3)
    expect(d.mean).toBeCloseTo(-0.01, 12)
    expect(d.ciLow).toBeCloseTo(-0.01 - 0.02484, 4)
    expect(d.ciHigh).toBeCloseTo(-0.01 + 0.02484, 4)
    expect(d.significant).toBe(false)
    expect(s.layers).toEqual([{ name: 'dense1', kind: 'dense', before: 16, after: 10 }])
  })

  it('a distilled student: teacher → student sizes, against the student alone (paired by seed) and the teacher', () => {
    const teacher = run('teacher', 0, { 'test.accuracy': 0.97, params: 100_000, macs: 99_000, 'model.bytes': 400_000 }, { params: { 'model.arch': 'mlp', 'model.hidden': [128], seed: 0 } })
    const alone = [run('baseline', 0, { 'test.accuracy': 0.9 }), run('baseline', 1, { 'test.accuracy': 0.91 })]
    const students = [0, 1].map((seed) =>
      run('student', seed, { 'test.accuracy': [0.92, 0.94][seed], 'teacher.test.accuracy': 0.97, params: 12_000, macs: 11_000, 'model.bytes': 48_000 }, { teacherRunId: teacher.id }),
    )
    const s = compressionSummary(students[1], { related: [teacher], siblings: [...alone, ...students], layers: [] })
    expect(s.kind).toBe('distillation')
    expect(s.before).toEqual({ role: 'teacher', runId: teacher.id })
    expect(s.figures.map((f) => [f.key, f.before, f.after])).toEqual([
      ['params', 100_000, 12_000],
      ['macs', 99_000, 11_000],
      ['model.bytes', 400_000, 48_000],
    ])
    expect(s.quality.map((q) => [q.against, q.runId, q.reference, q.value])).toEqual([
      ['student alone', alone[1].id, 0.91, 0.94],
      ['teacher', teacher.id, 0.97, 0.94],
    ])
    // Against the student alone: d = 0.02, 0.03 (two seeds): 0.025 ± 12.706 · 0.00707 / √2.
    const [vsAlone, vsTeacher] = s.overSeeds
    expect(vsAlone.against).toBe('student alone')
    expect(vsAlone.mean).toBeCloseTo(0.025, 12)
    expect(vsAlone.ciHigh! - vsAlone.mean!).toBeCloseTo(12.706 * 0.005, 3)
    expect(vsTeacher.against).toBe('teacher')
    expect(vsTeacher.mean).toBeCloseTo(-0.04, 12)
  })

  it('a run that compressed nothing has only its size; a one-seed configuration no interval', () => {
    const plain = run('model', 0, { 'test.mAP': 0.5, params: 1000, macs: 900, 'model.bytes': 4000 })
    const s = compressionSummary(plain, { related: [], siblings: [plain], layers: [] })
    expect(s).toMatchObject({ kind: null, task: 'detection', before: null, speedup: null, quality: [], overSeeds: [] })
    expect(s.figures.map((f) => [f.key, f.before, f.after])).toEqual([['params', null, 1000], ['macs', null, 900], ['model.bytes', null, 4000]])
    const one = pruned(0, 0.9, 0.91)
    expect(compressionSummary(one, { related: [], siblings: [one], layers: [] }).overSeeds).toEqual([])
    expect(layerChanges([])).toEqual([])
  })
})
