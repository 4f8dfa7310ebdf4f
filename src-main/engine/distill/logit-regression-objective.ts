/**
 * The training-loop plug-in for logit regression (Ba & Caruana 2014, METHODS D2), with an optional
 * hard-label term: L = (1/2N) Σ_n ‖z_s(n) − z_t(n)‖² + w · (1/N) Σ_n m_n CE(y_n, softmax(z_s(n))),
 * m_n = 0 for unlabelled examples (they contribute the logit term only).
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainLoss } from '../train/train-loss'
import { logitsFunction, preparedTeacherLogits, type TeacherSource } from './hinton-objective'
import { maskedCrossEntropy } from './label-mask'
import { logitRegressionLoss } from './losses/logit-regression'

export interface LogitRegressionArgs {
  /** Weight w of the hard-label cross-entropy added to the logit loss (0: logits only, as the paper). */
  hardLabelWeight: number
}

/** The logit loss plus w times the masked hard-label cross-entropy. */
export function withHardLabels(logitLoss: tf.Scalar, studentLogits: tf.Tensor2D, labels: tf.Tensor1D, weight: number): tf.Scalar {
  if (weight === 0) return logitLoss
  return tf.tidy(() => tf.add(logitLoss, tf.mul(maskedCrossEntropy(studentLogits, labels), weight)) as tf.Scalar)
}

/** Distillation from `teacher` by regressing its logits (Ba & Caruana 2014, eq. 1). */
export function logitRegressionObjective(teacher: TeacherSource, args: LogitRegressionArgs): TrainLoss {
  const logits = logitsFunction(teacher)
  return {
    name: `logit-l2${args.hardLabelWeight ? ` + ${args.hardLabelWeight}·CE` : ''}`,
    prepare: (x) => ({ teacherLogits: logits(x) }),
    compute: regressPreparedLogits('logit-l2', args.hardLabelWeight),
  }
}

/** L2 regression on the prepared teacher logits, plus the weighted hard-label term. */
export function regressPreparedLogits(objective: string, hardLabelWeight: number): TrainLoss['compute'] {
  return (studentLogits, labels, extras) =>
    withHardLabels(logitRegressionLoss(studentLogits, preparedTeacherLogits(extras.prepared, objective)), studentLogits, labels, hardLabelWeight)
}
