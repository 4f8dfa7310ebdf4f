/**
 * Seeded draws of training examples that the pruning methods make the same way for every task:
 * the batches the importance criteria score on, and a rolling order for a few minibatch updates.
 */
import type { BatchProvider } from '../prune/importance/types'
import { createRng, deriveSeed, shuffleInPlace } from '../random/seeded-rng'
import type { RunTask } from './task'

/** A seeded permutation of 0..n−1. */
export const permutation = (n: number, seed: number): Int32Array =>
  shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), createRng(seed))

/**
 * Batches for the importance criteria: each call draws the task's `scoringExamples` training
 * examples afresh (seeded by the call number), in batches of `batchSize`; the tensors are
 * released after use.
 */
export function scoringBatches(task: RunTask, seed: number, batchSize: number, examples = task.scoringExamples): BatchProvider {
  let calls = 0
  return function* batches() {
    const order = permutation(task.trainSplit.n, deriveSeed(seed, `prune/score-batches/${calls++}`))
    const n = Math.min(examples, task.trainSplit.n)
    for (let start = 0; start < n; start += batchSize) {
      const { xs, ys } = task.scoringBatch(order.subarray(start, Math.min(n, start + batchSize)))
      try {
        yield { xs, ys }
      } finally {
        xs.dispose()
        ys.dispose()
      }
    }
  }
}
