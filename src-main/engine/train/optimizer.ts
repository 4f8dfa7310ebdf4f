import * as tf from '@tensorflow/tfjs'
import type { TrainingSpec } from '../../../src-shared/spec/schema'
import { MultiTensorAdam } from './multi-tensor-adam'

/**
 * The optimizer a training spec names, at its base learning rate. Adam is the multi-tensor
 * variant (the same arithmetic as `tf.train.adam`, one set of kernels for all variables).
 */
export function makeOptimizer(
  spec: Pick<TrainingSpec, 'optimizer' | 'learningRate' | 'momentum'> & { nesterov?: boolean },
): tf.Optimizer {
  switch (spec.optimizer) {
    case 'adam':
      return new MultiTensorAdam(spec.learningRate)
    case 'sgd':
      return tf.train.sgd(spec.learningRate)
    case 'momentum':
      return tf.train.momentum(spec.learningRate, spec.momentum, spec.nesterov ?? false)
  }
}

/**
 * Decoupled weight decay (SGDW/AdamW): w ← (1 − lr·decay)·w for every variable of rank ≥ 2 (conv,
 * depthwise and dense kernels), never biases or batch-norm vectors; applied before the gradient
 * step, as PyTorch's AdamW does. Call inside a tidy.
 */
export function decayWeights(variables: readonly tf.Variable[], lr: number, decay: number): void {
  if (decay <= 0) return
  const factor = 1 - lr * decay
  for (const v of variables) if (v.rank >= 2) v.assign(tf.mul(v, factor))
}

/** Changes an optimizer's learning rate between steps (for the schedules). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // Not `instanceof`: tfjs optimizers override Symbol.hasInstance with a duck-typed check that an
  // Adam optimizer passes as an SGDOptimizer. SGD and momentum keep the rate as a scalar set here.
  const sgd = optimizer as unknown as { setLearningRate?: (lr: number) => void }
  if (typeof sgd.setLearningRate === 'function') {
    sgd.setLearningRate(lr)
    return
  }
  // Adam reads its (protected) `learningRate` field at every step and has no setter.
  ;(optimizer as unknown as { learningRate: number }).learningRate = lr
}
