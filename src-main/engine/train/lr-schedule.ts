import type { TrainingSpec } from '../../../src-shared/spec/schema'

/**
 * Learning rate at step `step` (0-based) of `steps` in epoch `epoch` (0-based) of `epochs`: during
 * the first `warmupEpochs` it rises linearly, step by step, from base/(warm-up steps) to base
 * (Goyal et al. 2017); then the schedule runs over the remaining epochs (cosine by step, from the
 * base rate at the first step after warm-up towards 0 after the last).
 */
export function learningRateAtStep(
  t: Pick<TrainingSpec, 'lrSchedule' | 'learningRate'> & { warmupEpochs?: number },
  epoch: number,
  epochs: number,
  step: number,
  steps: number,
): number {
  const warm = Math.min(t.warmupEpochs ?? 0, epochs)
  if (epoch < warm) return (t.learningRate * (epoch * steps + step + 1)) / (warm * steps)
  // Cosine anneals step by step: by epoch, a short run (two epochs of fine-tuning after a pruning,
  // one of them warm-up) would never leave the base rate and end on its largest steps.
  if (t.lrSchedule === 'cosine') return t.learningRate * 0.5 * (1 + Math.cos((Math.PI * ((epoch - warm) * steps + step)) / ((epochs - warm) * steps)))
  return learningRateAt(t.lrSchedule, t.learningRate, epoch - warm, epochs - warm)
}

/**
 * Learning rate of an epoch (0-based) under a schedule:
 * - constant: the base rate;
 * - cosine: base · ½(1 + cos(π · epoch / epochs)) (Loshchilov & Hutter 2017, SGDR without restarts);
 * - step: ×0.1 at half and again at three quarters of the epochs (the multi-step schedule of ResNet).
 */
export function learningRateAt(schedule: TrainingSpec['lrSchedule'], base: number, epoch: number, epochs: number): number {
  switch (schedule) {
    case 'constant':
      return base
    case 'cosine':
      return base * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs))
    case 'step': {
      const drops = (epoch >= Math.floor(epochs / 2) ? 1 : 0) + (epoch >= Math.floor((3 * epochs) / 4) ? 1 : 0)
      return epochs < 2 ? base : base * 0.1 ** drops
    }
  }
}
