/** Temp folders and a real store for store/scheduler/lab tests (no mocks). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunConfig } from '../../../src-shared/spec/expand'
import { openStore, type Store } from '../../../src-main/store/index'

export function tempDir(prefix = 'complab-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function tempStore(): { store: Store; dir: string; cleanup(): void } {
  const t = tempDir()
  const store = openStore(join(t.dir, 'lab.db'))
  return {
    store,
    dir: t.dir,
    cleanup() {
      store.close()
      t.cleanup()
    },
  }
}

export const TINY_CONFIG: RunConfig = {
  dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0, trainLimit: 300 },
  model: { arch: 'mlp', hidden: [16], activation: 'relu', dropout: 0, inputDropout: 0 },
  training: {
    epochs: 1,
    batchSize: 64,
    optimizer: 'adam',
    learningRate: 0.001,
    momentum: 0.9,
    lrSchedule: 'constant',
    jitter: 0,
    validationFraction: 0,
    stopOnNaN: true,
  },
  method: { kind: 'train' },
  seed: 0,
}

/** Inserts an experiment with `n` plain runs; returns their ids. */
export function seedRuns(
  store: Store,
  n: number,
  name = 'exp',
): { experimentId: number; runIds: number[] } {
  const experimentId = store.experiments.insert({ name, spec: { name } })
  const runIds: number[] = []
  for (let i = 0; i < n; i++) {
    runIds.push(
      store.runs.insert({
        experimentId,
        key: `run-${i}`,
        role: 'model',
        label: `run ${i}`,
        method: 'train',
        seed: i,
        params: { seed: i, 'training.epochs': 1 },
        config: { ...TINY_CONFIG, seed: i },
      }),
    )
  }
  return { experimentId, runIds }
}
