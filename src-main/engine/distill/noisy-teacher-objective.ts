/**
 * The training-loop plug-in for the noisy teacher (Sau & Balasubramanian 2016, METHODS D3): logit
 * regression on teacher logits perturbed as z′ = z·(1 + ξ), ξ ~ N(0, σ²), on a random α-fraction of
 * each batch, plus an optional hard-label term. The perturbation is drawn outside the gradient
 * tape (the targets are constants) with a seed derived from the run seed and the step number, so a
 * run is reproducible and every step draws fresh noise.
 */
import type { TrainLoss } from '../train/train-loss'
import { deriveSeed } from '../random/seeded-rng'
import { logitsFunction, type TeacherSource } from './hinton-objective'
import { regressPreparedLogits } from './logit-regression-objective'
import { perturbTeacherLogits } from './losses/noisy-teacher'

export interface NoisyTeacherObjectiveArgs {
  /** Probability α that a sample's teacher logits are perturbed. */
  noiseProbability: number
  /** Variance σ² of ξ. */
  noiseVariance: number
  hardLabelWeight: number
  /** The run seed; step s uses deriveSeed(seed, 'noisy-teacher') + 2s (perturbTeacherLogits also takes seed + 1). */
  seed: number
}

/** The seed of step `step` (0-based) of a run with seed `seed`. */
export function noiseSeed(seed: number, step: number): number {
  return (deriveSeed(seed, 'noisy-teacher') + 2 * step) >>> 0
}

/** Distillation from a noisy teacher (Sau 2016, eq. 3, on Ba & Caruana's logit loss). */
export function noisyTeacherObjective(teacher: TeacherSource, args: NoisyTeacherObjectiveArgs): TrainLoss {
  const logits = logitsFunction(teacher)
  let step = 0
  return {
    name: `noisy-teacher α=${args.noiseProbability} σ²=${args.noiseVariance}`,
    // `prepare` runs once per optimisation step, so counting its calls numbers the steps.
    prepare: (x) => ({
      teacherLogits: perturbTeacherLogits(logits(x), {
        alpha: args.noiseProbability,
        sigma2: args.noiseVariance,
        seed: noiseSeed(args.seed, step++),
      }),
    }),
    compute: regressPreparedLogits('noisy-teacher', args.hardLabelWeight),
  }
}
