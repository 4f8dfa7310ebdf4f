/** The distillation objective a run's `method.loss` names (one loss per file, METHODS D2–D4). */
import type { DistillRunMethod } from '../../../src-shared/spec/expand'
import type { TrainLoss } from '../train/train-loss'
import { hintonObjective, type TeacherSource } from './hinton-objective'
import { logitRegressionObjective } from './logit-regression-objective'
import { noisyTeacherObjective } from './noisy-teacher-objective'

export type DistillLossArgs = Pick<
  DistillRunMethod,
  'loss' | 'temperature' | 'alpha' | 'hardLabelWeight' | 'noiseProbability' | 'noiseVariance'
>

/** The training objective of `method.loss` from `teacher`; `seed` seeds the noisy teacher. */
export function distillObjective(teacher: TeacherSource, m: DistillLossArgs, seed: number): TrainLoss {
  switch (m.loss) {
    case 'hinton':
      return hintonObjective(teacher, { temperature: m.temperature, alpha: m.alpha })
    case 'logit-l2':
      return logitRegressionObjective(teacher, { hardLabelWeight: m.hardLabelWeight })
    case 'noisy-teacher':
      return noisyTeacherObjective(teacher, {
        noiseProbability: m.noiseProbability,
        noiseVariance: m.noiseVariance,
        hardLabelWeight: m.hardLabelWeight,
        seed,
      })
  }
}
