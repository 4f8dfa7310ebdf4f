/**
 * The distillation objectives with labelled and unlabelled (label −1) examples mixed in a batch,
 * against hand-computed values (numpy, float64), and Hinton's high-temperature limit.
 *
 * Hinton with y = [1, −1] (second example unlabelled), the numbers of hinton.test.ts, T = 2, α = 0.5:
 *   soft KL mean 0.086513145 → α·T²·soft = 0.17302629; hard: only example 1, 0.46436878 / N =
 *   0.23218439, (1 − α)·hard = 0.116092195; L = 0.289118485.
 *   ∂L/∂s row 1 unchanged [−0.04955624, −0.00595288, 0.05550912]; row 2 soft only, α·T·(q − p)/N =
 *   0.5·(q − p) = [0.002632245, −0.06221723, 0.05958499].
 * Logit regression + w·CE, s = [[2, 0, 1.5], [1, 4, 0]], t = [[1, 2, 1], [1, 1, 1]], y = [0, −1], w = 2:
 *   logit term 3.8125; CE of example 1 = 0.554956920, masked mean 0.277478460; L = 4.367456920.
 *   ∂L/∂s = (s − t)/N + w·(softmax(s) − onehot)/N on row 1 only:
 *   [[0.07409699, −0.92230442, 0.59820743], [0, 1.5, −0.5]].
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { hintonObjective } from '../../../../src-main/engine/distill/hinton-objective'
import { maskedCrossEntropy, UNLABELLED } from '../../../../src-main/engine/distill/label-mask'
import { logitRegressionObjective } from '../../../../src-main/engine/distill/logit-regression-objective'
import { hintonLoss } from '../../../../src-main/engine/distill/losses/hinton'
import { logitRegressionLoss } from '../../../../src-main/engine/distill/losses/logit-regression'
import { noiseSeed, noisyTeacherObjective } from '../../../../src-main/engine/distill/noisy-teacher-objective'
import { distillObjective } from '../../../../src-main/engine/distill/objective'
import { teacherFromModels } from '../../../../src-main/engine/distill/teacher'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import type { TrainLoss } from '../../../../src-main/engine/train/train-loss'
import { trainModel } from '../../../../src-main/engine/train/train-model'
import { modelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'

beforeAll(async () => {
  await selectBackend('cpu')
})

const S = [[1, 2, 0.5], [0.2, -1, 3]]
const Tl = [[2, 1, 0], [0, 0.5, 2.5]]

const close = (got: number[], want: number[], digits = 5): void => {
  expect(got).toHaveLength(want.length)
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i], digits))
}

/** A model whose logits are its input (a linear dense layer with identity weights). */
function identityModel(k: number, scale = 1): tf.LayersModel {
  const m = tf.sequential()
  m.add(tf.layers.dense({ inputShape: [k], units: k, useBias: false, kernelInitializer: 'zeros' }))
  m.layers[0].setWeights([tf.mul(tf.eye(k), scale)])
  return m
}

/**
 * The objective's value and gradient with respect to the student logits held in `v` (set by
 * `withStudent` just before; a variable is what variableGrads differentiates), for the batch `x`
 * the teacher sees.
 */
function run(loss: TrainLoss, _s: number[][], x: number[][], y: number[]): { value: number; grad: number[] } {
  return tf.tidy(() => {
    const prepared = loss.prepare?.(tf.tensor2d(x)) ?? {}
    const labels = tf.tensor1d(y, 'int32')
    const { value, grads } = tf.variableGrads(() => loss.compute(v as tf.Tensor2D, labels, { x: tf.tensor2d(x), prepared }), [v])
    const out = { value: value.dataSync()[0], grad: Array.from(grads[v.name].dataSync()) }
    return out
  })
}
let v: tf.Variable
const withStudent = (s: number[][]): void => {
  v?.dispose()
  v = tf.variable(tf.tensor2d(s))
}

describe('masked hard labels (label −1 = unlabelled)', () => {
  it('the hard term of an unlabelled example is 0 and gives no gradient', () => {
    const g = tf.tidy(() =>
      Array.from(tf.grad((z: tf.Tensor) => maskedCrossEntropy(z as tf.Tensor2D, tf.tensor1d([1, UNLABELLED], 'int32')))(tf.tensor2d(S)).dataSync()),
    )
    expect(g.slice(3).map(Math.abs)).toEqual([0, 0, 0])
    const value = tf.tidy(() => maskedCrossEntropy(tf.tensor2d(S), tf.tensor1d([1, UNLABELLED], 'int32')).dataSync()[0])
    expect(value).toBeCloseTo(0.46436878 / 2, 6)
  })

  it('Hinton: unlabelled examples contribute the soft term only (hand values)', () => {
    const loss = tf.tidy(() => hintonLoss(tf.tensor2d(S), tf.tensor2d(Tl), tf.tensor1d([1, -1], 'int32'), { temperature: 2, alpha: 0.5 }).dataSync()[0])
    expect(loss).toBeCloseTo(0.289118485, 5)
    const g = tf.tidy(() =>
      Array.from(
        tf.grad((z: tf.Tensor) => hintonLoss(z as tf.Tensor2D, tf.tensor2d(Tl), tf.tensor1d([1, -1], 'int32'), { temperature: 2, alpha: 0.5 }))(
          tf.tensor2d(S),
        ).dataSync(),
      ),
    )
    close(g, [-0.04955624, -0.00595288, 0.05550912, 0.002632245, -0.06221723, 0.05958499])
  })

  it('the Hinton objective computes the teacher logits per batch and matches the loss', () => {
    // The teacher's logits are its input: feed Tl as the batch.
    const teacher = identityModel(3)
    withStudent(S)
    const got = run(hintonObjective(teacher, { temperature: 2, alpha: 0.5 }), S, Tl, [1, -1])
    expect(got.value).toBeCloseTo(0.289118485, 5)
    close(got.grad, [-0.04955624, -0.00595288, 0.05550912, 0.002632245, -0.06221723, 0.05958499])
    teacher.dispose()
  })

  it('logit regression + w·CE (Ba & Caruana with a hard-label term): hand values', () => {
    const teacher = identityModel(3)
    withStudent([[2, 0, 1.5], [1, 4, 0]])
    const got = run(logitRegressionObjective(teacher, { hardLabelWeight: 2 }), [[2, 0, 1.5], [1, 4, 0]], [[1, 2, 1], [1, 1, 1]], [0, -1])
    expect(got.value).toBeCloseTo(4.36745692, 5)
    close(got.grad, [0.07409699, -0.92230442, 0.59820743, 0, 1.5, -0.5])
    const plain = run(logitRegressionObjective(teacher, { hardLabelWeight: 0 }), [[2, 0, 1.5], [1, 4, 0]], [[1, 2, 1], [1, 1, 1]], [0, -1])
    expect(plain.value).toBeCloseTo(3.8125, 6)
    teacher.dispose()
  })
})

describe('the Hinton loss a run logs', () => {
  it('train.loss is the KL form: ~0 at T = 20 for a student equal to the teacher', async () => {
    // Two copies of one seeded MLP on 64 unlabelled examples (soft term only, α = 0.5): the soft
    // gradient q − p is 0, so the student stays the teacher; the CE form would log α·T²·H(p) ≈ 460.
    const spec = modelSpecSchema.parse({ arch: 'mlp', hidden: [16] })
    const [teacher, student] = [buildModel(spec, [8], 10, 3), buildModel(spec, [8], 10, 3)]
    const x = Float32Array.from({ length: 64 * 8 }, (_, i) => Math.sin(i * 1.7) * 3)
    const train = { x, y: new Int32Array(64).fill(UNLABELLED), n: 64 }
    const result = await trainModel({
      model: student,
      train,
      inputShape: [8],
      training: trainingSpecSchema.parse({ epochs: 2, batchSize: 16 }),
      seed: 0,
      loss: hintonObjective(teacher, { temperature: 20, alpha: 0.5 }),
    })
    for (const epoch of result.history) expect(Math.abs(epoch['train.loss'])).toBeLessThan(1e-3)
    teacher.dispose()
    student.dispose()
  })
})

describe('noisy teacher objective (Sau 2016)', () => {
  it('draws fresh noise each step from the run seed, reproducibly', () => {
    const teacher = identityModel(4)
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 5)
    const args = { noiseProbability: 0.5, noiseVariance: 0.1, hardLabelWeight: 0, seed: 3 }
    const steps = (o: TrainLoss): number[][] => [0, 1].map(() => tf.tidy(() => Array.from(o.prepare!(x).teacherLogits.dataSync())))
    const a = steps(noisyTeacherObjective(teacher, args))
    const b = steps(noisyTeacherObjective(teacher, args))
    const c = steps(noisyTeacherObjective(teacher, { ...args, seed: 4 }))
    expect(a).toEqual(b)
    expect(a[0]).not.toEqual(a[1])
    expect(a[0]).not.toEqual(c[0])
    expect(noiseSeed(3, 0)).not.toBe(noiseSeed(3, 1))
    // About half the rows are perturbed (the others are the teacher's logits exactly).
    const clean = Array.from(x.dataSync())
    let perturbedRows = 0
    for (let r = 0; r < 64; r++) if (a[0].slice(r * 4, r * 4 + 4).some((val, i) => Math.abs(val - clean[r * 4 + i]) > 1e-7)) perturbedRows++
    expect(perturbedRows).toBeGreaterThan(16)
    expect(perturbedRows).toBeLessThan(48)
    x.dispose()
    teacher.dispose()
  })

  it('with noise probability 0 equals logit regression; the factory picks each loss', () => {
    const teacher = identityModel(3)
    withStudent([[2, 0, 1.5], [1, 4, 0]])
    const x = [[1, 2, 1], [1, 1, 1]]
    const m = { temperature: 2, alpha: 0.5, hardLabelWeight: 2, noiseProbability: 0, noiseVariance: 0.1 }
    const noisy = run(distillObjective(teacher, { ...m, loss: 'noisy-teacher' }, 0), [[2, 0, 1.5], [1, 4, 0]], x, [0, -1])
    expect(noisy.value).toBeCloseTo(4.36745692, 5)
    expect(distillObjective(teacher, { ...m, loss: 'hinton' }, 0).name).toBe('hinton T=2 α=0.5')
    expect(distillObjective(teacher, { ...m, loss: 'logit-l2' }, 0).name).toBe('logit-l2 + 2·CE')
    teacher.dispose()
  })
})

describe("Hinton's high-temperature limit (Hinton 2015 §2.1)", () => {
  it('for zero-mean logits, T²·∂CE_soft/∂z_s → (z_s − z_t)/(C·N), the logit-regression gradient / C', () => {
    // Zero-mean rows (C = 4 classes, N = 2 examples).
    const s = [[0.6, -0.2, -0.5, 0.1], [-0.3, 0.9, -0.4, -0.2]]
    const t = [[0.2, 0.3, -0.1, -0.4], [0.5, -0.5, 0.3, -0.3]]
    const C = 4
    const soft = (T: number): number[] =>
      tf.tidy(() =>
        Array.from(
          tf.grad((z: tf.Tensor) => hintonLoss(z as tf.Tensor2D, tf.tensor2d(t), tf.tensor1d([0, 0], 'int32'), { temperature: T, alpha: 1 }))(tf.tensor2d(s)).dataSync(),
        ),
      )
    const l2 = tf.tidy(() => Array.from(tf.grad((z: tf.Tensor) => logitRegressionLoss(z as tf.Tensor2D, tf.tensor2d(t)))(tf.tensor2d(s)).dataSync()))
    const limit = l2.map((g) => g / C)
    const error = (T: number): number => Math.max(...soft(T).map((g, i) => Math.abs(g - limit[i])))
    // The gap shrinks like 1/T: it falls at each step up in T and is below 1 % of the limit at T = 100.
    const errors = [2, 5, 20, 100].map(error)
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThan(errors[i - 1])
    expect(errors[3]).toBeLessThan(0.01 * Math.max(...limit.map(Math.abs)))
    // At T = 1 the two differ markedly (the soft term is not logit matching there).
    expect(error(1)).toBeGreaterThan(0.05 * Math.max(...limit.map(Math.abs)))
  })
})

describe('ensemble teachers', () => {
  it('average the members’ logits', () => {
    const a = identityModel(3, 1)
    const b = identityModel(3, 3)
    const teacher = teacherFromModels([a, b])
    const z = tf.tidy(() => Array.from(teacher.logits(tf.tensor2d([[1, -2, 0.5]])).dataSync()))
    // (1·x + 3·x) / 2 = 2·x
    close(z, [2, -4, 1], 6)
    const before = tf.memory().numTensors
    tf.tidy(() => {
      teacher.logits(tf.tensor2d([[1, 2, 3]]))
    })
    expect(tf.memory().numTensors).toBe(before)
    teacher.dispose()
  })
})
