/**
 * A finished pruning sweep written straight into a database (no training), for the browser specs
 * of the runs table's filters, saved views, the Experiments overview and the charts: one parent
 * (mlp 16, seed 0) and its pruned children, criteria taylor / l1 / random × ratios 0.25 / 0.5,
 * seed 0, with accuracy, params and MACs as the engine records them. Experiment #1, runs #1–#7.
 */
import { openStore } from '../../src-main/store'
import { TINY_CONFIG } from '../unit/store/helpers'

const CONFIG = TINY_CONFIG

/** Test accuracy of each pruned run, by criterion and ratio. */
export const PRUNED_ACCURACY: Readonly<Record<string, readonly [number, number]>> = { taylor: [0.975, 0.962], l1: [0.971, 0.948], random: [0.955, 0.91] }
export const PARENT_ACCURACY = 0.981
const PARENT_PARAMS = 16 * 784 + 16 + 16 * 10 + 10

export function seedPruneSweep(dbPath: string, name = 'prune-sweep'): void {
  const store = openStore(dbPath)
  const experimentId = store.experiments.insert({ name, spec: { name } })
  const base = { 'dataset.name': 'mnist-10k', 'model.arch': 'mlp', 'model.hidden': [16], seed: 0 }
  const finish = (id: number, results: Record<string, number>): void => {
    store.runs.start(id)
    store.runs.settle(id, 'finished', null)
    store.outputs.setResults(id, results)
  }
  const parent = store.runs.insert({ experimentId, key: 'parent', role: 'parent', label: 'parent seed 0', method: 'train', seed: 0, params: { ...base, role: 'parent', 'method.kind': 'train' }, config: CONFIG })
  finish(parent, { 'test.accuracy': PARENT_ACCURACY, params: PARENT_PARAMS, macs: PARENT_PARAMS - 26 })
  for (const [criterion, accuracies] of Object.entries(PRUNED_ACCURACY)) {
    ;[0.25, 0.5].forEach((ratio, i) => {
      const id = store.runs.insert({
        experimentId,
        key: `${criterion}-${ratio}`,
        role: 'pruned',
        label: `prune ${criterion} ratio=${ratio} seed 0`,
        method: 'prune',
        seed: 0,
        parentRunId: parent,
        params: { ...base, role: 'pruned', 'method.kind': 'prune', 'method.criterion': criterion, 'method.target.ratio': ratio },
        config: CONFIG,
      })
      const kept = Math.round(16 * (1 - ratio))
      const params = kept * 784 + kept + kept * 10 + 10
      finish(id, { 'test.accuracy': accuracies[i], params, macs: params - kept - 10, 'parent.test.accuracy': PARENT_ACCURACY, 'parent.params': PARENT_PARAMS })
    })
  }
  store.close()
}

/**
 * A finished prune → quantize chain over two seeds written straight into a database (no training),
 * as a launch of `method.parent.source: "stage"` records it: per seed the unpruned parent (mlp 16),
 * the pruning stage (l1, half the units) and the int8 quantization of the stage, each linked to its
 * parent; the quantize runs carry their lineage against the float parent. Experiment #1, runs #1–#6.
 */
export function seedStageChain(dbPath: string, name = 'prune-then-int8'): void {
  const store = openStore(dbPath)
  const experimentId = store.experiments.insert({ name, spec: { name } })
  const base = { 'dataset.name': 'mnist-10k', 'model.arch': 'mlp', 'model.hidden': [16] }
  const finish = (id: number, results: Record<string, number>): void => {
    store.runs.start(id)
    store.runs.settle(id, 'finished', null)
    store.outputs.setResults(id, results)
  }
  const stagePrunedParams = 8 * 784 + 8 + 8 * 10 + 10
  for (const seed of [0, 1]) {
    const [acc, prunedAcc, int8Acc] = [PARENT_ACCURACY - seed / 100, 0.97 - seed / 100, 0.968 - seed / 100]
    const params = { ...base, seed }
    const parent = store.runs.insert({ experimentId, key: `parent-${seed}`, role: 'parent', label: `unpruned mlp seed ${seed}`, method: 'train', seed, params: { ...params, role: 'parent', 'method.kind': 'train' }, config: CONFIG })
    finish(parent, { 'test.accuracy': acc, params: PARENT_PARAMS })
    const stage = store.runs.insert({ experimentId, key: `stage-${seed}`, role: 'pruned', label: `prune l1 seed ${seed}`, method: 'prune', seed, parentRunId: parent, params: { ...params, role: 'pruned', 'method.kind': 'prune' }, config: CONFIG })
    finish(stage, { 'test.accuracy': prunedAcc, params: stagePrunedParams, 'parent.params': PARENT_PARAMS, 'parent.test.accuracy': acc, 'accuracy.change': prunedAcc - acc })
    const q = store.runs.insert({ experimentId, key: `quantize-${seed}`, role: 'pruned', label: `quantize seed ${seed}`, method: 'quantize', seed, parentRunId: stage, params: { ...params, role: 'pruned', 'method.kind': 'quantize', 'method.parent.source': 'stage' }, config: CONFIG })
    const bytes = stagePrunedParams + 4 * 26
    finish(q, {
      'test.accuracy': int8Acc,
      'ort.test.accuracy': int8Acc,
      'parent.test.accuracy': prunedAcc,
      'accuracy.change': int8Acc - prunedAcc,
      'weights.bytes': bytes,
      'parent.weights.bytes': 4 * stagePrunedParams,
      'origin.compression': (4 * PARENT_PARAMS) / bytes,
      'origin.accuracy.change': int8Acc - acc,
    })
  }
  store.close()
}
