/**
 * Method `distill`: a student trained from a teacher's outputs (METHODS D1–D4). The teacher is one
 * model or an ensemble (mean of logits); the loss is Hinton's, logit regression or the noisy
 * teacher, each with its hard-label term; the transfer set is the training split, MUNGE or RANDOM
 * synthetic examples, or unlabelled examples, optionally without some classes (then a per-class
 * logit bias chosen on a validation split corrects the student, Hinton 2015 §3).
 */
import type { DistillRunMethod } from '../../../src-shared/spec/expand'
import type { DataSplit } from '../data/dataset'
import { featureSize, takeExamples } from '../data/dataset'
import { stratifiedSplit } from '../data/stratified-split'
import { accuracyWithBias, addOutputBias, chooseClassBiases, predictLogits } from '../distill/bias-correction'
import { hintonLossNote } from '../distill/hinton-objective'
import { distillObjective } from '../distill/objective'
import { evaluateLogits, loadTeachers, modelLogits, type Teacher } from '../distill/teacher'
import { buildTransferSet } from '../distill/transfer/transfer-set'
import { unlabelledPool } from '../distill/transfer/unlabelled-pool'
import { deriveSeed } from '../random/seeded-rng'
import { classificationTask, describeModel, round, type MethodExecutor } from './context'

/** Share of the training split held out to choose the bias of omitted classes. */
const BIAS_VALIDATION_FRACTION = 0.1

const percent = (a: number): string => `${(a * 100).toFixed(2)} %`

export const executeDistill: MethodExecutor<DistillRunMethod> = async (ctx) => {
  const { config, job, sink } = ctx
  const task = classificationTask(ctx)
  const { data } = task
  const m = config.method
  const d = featureSize(data.inputShape)
  for (const c of m.omitClasses) {
    if (c >= data.numClasses) throw new Error(`method.omitClasses: class ${c} does not exist (the dataset has ${data.numClasses} classes)`)
  }
  const model = task.buildModel()
  let teacher: Teacher | null = null
  try {
    const stats = describeModel(ctx, model, `student ${config.model.arch}`)
    sink.layers?.('before', stats.layers)
    const loaded = await loadTeachers(job.teacherModelPaths ?? [], data.inputShape, data.numClasses)
    teacher = loaded.teacher
    const logits = teacher.logits
    for (const note of loaded.notes) sink.log('info', note)
    const extra: Record<string, number> = {}
    if (teacher.members.length > 1) {
      for (const [i, member] of teacher.members.entries()) {
        const e = await evaluateLogits((x) => modelLogits(member, x), data.test.x, data.test.y, data.inputShape)
        extra[`teacher.member${i + 1}.test.accuracy`] = e.accuracy
        sink.log('info', `teacher member ${i + 1}: ${e.errors} test errors (accuracy ${percent(e.accuracy)})`)
      }
    }
    const t = await evaluateLogits(logits, data.test.x, data.test.y, data.inputShape)
    const what = teacher.members.length > 1 ? `ensemble of ${teacher.members.length} (mean logits)` : 'teacher'
    sink.log('info', `${what}: ${t.errors} test errors (accuracy ${percent(t.accuracy)})`)
    Object.assign(extra, { 'teacher.test.accuracy': t.accuracy, 'teacher.test.errors': t.errors, 'teacher.members': teacher.members.length })

    // A labelled validation split to choose the omitted classes' bias on (Hinton 2015 §3).
    let labelled: DataSplit = data.train
    let validation: DataSplit | null = null
    if (m.biasCorrection && m.omitClasses.length === 0) sink.log('warn', 'biasCorrection has no effect without omitClasses')
    if (m.biasCorrection && m.omitClasses.length > 0) {
      const parts = stratifiedSplit(data.train.y, BIAS_VALIDATION_FRACTION, deriveSeed(config.seed, 'bias-validation'))
      validation = takeExamples(data.train, parts.test, d)
      labelled = takeExamples(data.train, parts.train, d)
    }
    const transfer = await buildTransferSet({
      spec: m.transfer,
      labelled,
      unlabelledPool: m.transfer.kind === 'unlabeled' ? unlabelledPool(config.dataset, job.dataDir, data.train.n) : undefined,
      features: d,
      omitClasses: m.omitClasses,
      seed: config.seed,
    })
    const c = transfer.composition
    sink.log(
      'info',
      `transfer set (${m.transfer.kind}): ${transfer.split.n} examples — ${c.labelled} labelled, ${c.synthetic} synthetic, ` +
        `${c.unlabelled} unlabelled${m.omitClasses.length ? `, ${c.omitted} of classes ${m.omitClasses.join(', ')} omitted` : ''}` +
        (transfer.mungeSwapRate !== undefined ? `; MUNGE swap rate ${round(transfer.mungeSwapRate, 3)}` : ''),
    )
    Object.assign(extra, {
      'transfer.examples': transfer.split.n,
      'transfer.labelled': c.labelled,
      'transfer.synthetic': c.synthetic,
      'transfer.unlabelled': c.unlabelled,
      'transfer.omitted': c.omitted,
      ...(transfer.mungeSwapRate !== undefined ? { 'munge.swapRate': transfer.mungeSwapRate } : {}),
    })

    const loss = distillObjective(teacher, m, config.seed)
    sink.log('info', `objective: ${loss.name}`)
    if (m.loss === 'hinton') sink.log('info', hintonLossNote({ temperature: m.temperature, alpha: m.alpha }))
    const trained = await task.train({ model, loss, split: transfer.split, phase: 'distill' })

    if (m.omitClasses.length > 0) {
      const testLogits = await predictLogits(model, data.test.x, data.inputShape)
      const zero = new Array<number>(data.numClasses).fill(0)
      const uncorrected = accuracyWithBias(testLogits, data.test.y, data.numClasses, zero, m.omitClasses)
      extra['omitted.test.accuracy.uncorrected'] = uncorrected
      let corrected = uncorrected
      if (validation) {
        const choice = chooseClassBiases(await predictLogits(model, validation.x, data.inputShape), validation.y, data.numClasses, m.omitClasses)
        addOutputBias(model, choice.bias)
        corrected = accuracyWithBias(testLogits, data.test.y, data.numClasses, choice.bias, m.omitClasses)
        for (const k of m.omitClasses) extra[`bias.class${k}`] = choice.bias[k]
        Object.assign(extra, { 'bias.val.accuracy.before': choice.before, 'bias.val.accuracy.after': choice.after })
        sink.log(
          'info',
          `bias correction: +${m.omitClasses.map((k) => `${choice.bias[k]} on class ${k}`).join(', ')} ` +
            `(validation accuracy ${percent(choice.before)} → ${percent(choice.after)})`,
        )
      }
      extra['omitted.test.accuracy'] = corrected
      sink.log('info', `omitted classes ${m.omitClasses.join(', ')}: ${percent(corrected)} correct on the test split` + (validation ? ` (${percent(uncorrected)} before the bias correction)` : ''))
    }
    await task.finish(model, { trained, results: extra })
  } finally {
    model.dispose()
    teacher?.dispose()
  }
}
