/** The structured runs filter as SQL, on a real store (issue 18 item 13). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabError } from '../../../src-shared/contract'
import type { Store } from '../../../src-main/store/index'
import { TINY_CONFIG, tempStore } from './helpers'

let store: Store
let cleanup: () => void
beforeEach(() => {
  ;({ store, cleanup } = tempStore())
  // Four pruning runs: criteria × seeds, each with its accuracy; one tagged, one unfinished.
  const experimentId = store.experiments.insert({ name: 'prune-sweep', spec: { name: 'prune-sweep' } })
  const runs: [string, number, number | null][] = [['taylor', 0, 0.981], ['l1', 0, 0.972], ['taylor', 1, 0.965], ['random', 0, null]]
  runs.forEach(([criterion, seed, accuracy], i) => {
    const id = store.runs.insert({
      experimentId,
      key: `run-${i}`,
      role: 'pruned',
      label: `${criterion} seed ${seed}`,
      method: 'prune',
      seed,
      params: { seed, 'method.criterion': criterion, 'method.target.ratio': 0.5, 'method.baseline': i === 0, 'model.hidden': [8] },
      config: { ...TINY_CONFIG, seed },
    })
    if (accuracy !== null) store.outputs.setResults(id, { 'test.accuracy': accuracy })
    if (i === 1) store.annotations.addTags(id, ['keep'])
  })
})
afterEach(() => cleanup())

const labels = (where: string): string[] => store.listRuns({ where, sort: 'id', direction: 'asc' }).rows.map((r) => r.label)

describe('runs.list where', () => {
  it('compares results and parameters, with and, or, not and in', () => {
    expect(labels('test.accuracy > 0.97')).toEqual(['taylor seed 0', 'l1 seed 0'])
    expect(labels('test.accuracy >= 97.2%')).toEqual(['taylor seed 0', 'l1 seed 0'])
    expect(labels('method.criterion in taylor,l1')).toEqual(['taylor seed 0', 'l1 seed 0', 'taylor seed 1'])
    expect(labels('method.criterion not in (taylor)')).toEqual(['l1 seed 0', 'random seed 0'])
    expect(labels('method.criterion = taylor and test.accuracy < 0.97')).toEqual(['taylor seed 1'])
    expect(labels('seed = 1 or tag = keep')).toEqual(['l1 seed 0', 'taylor seed 1'])
    expect(labels('not (method.criterion = taylor)')).toEqual(['l1 seed 0', 'random seed 0'])
    expect(labels('method.baseline = true')).toEqual(['taylor seed 0'])
    expect(labels("label ~ 'SEED 1'")).toEqual(['taylor seed 1'])
    expect(labels('experiment = prune-sweep and status = queued')).toHaveLength(4)
  })

  it('never matches a run without the key; counts and ids follow the filter', () => {
    expect(labels('test.accuracy != 0.5')).toEqual(['taylor seed 0', 'l1 seed 0', 'taylor seed 1'])
    expect(labels('no.such.key = 1')).toEqual([])
    const page = store.listRuns({ where: 'test.accuracy > 0.9', sort: 'test.accuracy', direction: 'desc', limit: 2, idsOnly: true })
    expect(page.rows).toEqual([])
    expect(page.total).toBe(3)
    expect(page.ids).toHaveLength(2)
    expect(labels('')).toHaveLength(4)
  })

  it('refuses a query that does not parse with invalid_input, saying where; input never reaches SQL', () => {
    let error: unknown
    try {
      labels('test.accuracy >')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(LabError)
    expect((error as LabError).code).toBe('invalid_input')
    expect((error as LabError).message).toBe("filter: expected a value after 'test.accuracy >' at the end")
    // Values and keys are bound: a quote or a statement in them is a value like any other.
    expect(labels(`label = "x'); DROP TABLE runs; --"`)).toEqual([])
    expect(labels(`method.criterion = "taylor' OR '1'='1"`)).toEqual([])
    expect(labels('seed >= 0')).toHaveLength(4)
  })
})
