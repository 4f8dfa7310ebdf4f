/**
 * A quantize run whose parent is a nested stage (issue 19 item 1): prune → quantize is one spec;
 * the stage is a run of its own, linked to its own parent and shared by the quantize runs of its
 * seed (a grid over the quantize settings prunes once per seed).
 */
import { describe, expect, it } from 'vitest'
import { expandSpec } from '../../../src-shared/spec/expand'

const base = {
  name: 'deep compression',
  dataset: { name: 'mnist-10k' },
  model: { arch: 'lenet5' },
  method: {
    kind: 'quantize',
    scheme: 'int8',
    qatEpochs: 1,
    parent: { source: 'stage', method: { kind: 'prune', criterion: 'l1', target: { params: 0.1 }, recover: 'distill' } },
  },
}

describe('nested stages', () => {
  it('train → prune → quantize: three runs, each linked to its parent', () => {
    const r = expandSpec(base)
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.runs.map((p) => [p.key, p.role, p.label, p.dependsOn])).toEqual([
      ['parent-0', 'parent', 'unpruned lenet5 seed 0', []],
      ['stage-0', 'pruned', 'prune l1 seed 0', ['parent-0']],
      ['run-0', 'pruned', 'quantize seed 0', ['stage-0']],
    ])
    const [, stage, quantize] = r.runs
    expect(stage.config.method).toMatchObject({ kind: 'prune', recover: 'distill', parent: { runKey: 'parent-0' } })
    expect(quantize.config.method).toMatchObject({ kind: 'quantize', scheme: 'int8', parent: { runKey: 'stage-0' } })
  })

  it('a grid over the quantize settings and two seeds prunes once per seed', () => {
    const r = expandSpec({ ...base, sweep: { seeds: [0, 1], grid: { 'method.scheme': ['int8', 'uint8'] } } })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const stages = r.runs.filter((p) => p.key.startsWith('stage-'))
    expect(stages.map((p) => p.seed)).toEqual([0, 1])
    const quantized = r.runs.filter((p) => p.key.startsWith('run-'))
    expect(quantized).toHaveLength(4)
    for (const q of quantized) expect(q.dependsOn).toEqual([stages[q.seed].key])
  })

  it('refuses a stage that is not a pruning method, naming the field', () => {
    const r = expandSpec({ ...base, method: { ...base.method, parent: { source: 'stage', method: { kind: 'train' } } } })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain('method.parent.method.kind')
  })
})
