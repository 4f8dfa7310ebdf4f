/**
 * `executeRun`: one run, start to end, in a worker process (DESIGN §1, §4). Select the backend,
 * load the dataset, build the model (and load the teacher for a distillation), train with the one
 * training loop, evaluate on the test split, save the model, and report everything to the sink.
 * Any failure becomes an Error with a one-line message.
 */
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import type { RunJob, RunSink } from '../worker/protocol'
import { selectBackend } from './backend/select-backend'
import { loadDataset } from './data/load-dataset'
import { hintonObjective } from './distill/hinton-objective'
import { loadTeacher } from './distill/teacher-model'
import { buildModel } from './models/build-model'
import { modelStats, type LayerStats } from './models/layer-report'
import { saveModel } from './models/model-files'
import { crossEntropyLoss } from './train/cross-entropy'
import { evaluate } from './train/evaluate'
import { trainModel } from './train/train-model'
import type { TrainLoss } from './train/train-loss'

/** The sink, with the optional per-layer report some workers forward. */
type SinkWithLayers = RunSink & { layers?(phase: 'before' | 'after', layers: LayerStats[]): void }

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message || e.name : String(e)
  return text.split('\n').map((s) => s.trim()).find(Boolean) ?? 'run failed'
}

const round = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits })

async function execute(job: RunJob, sink: SinkWithLayers): Promise<void> {
  const { config } = job
  const backend = await selectBackend(job.backend)
  sink.backend(backend)

  const data = loadDataset(config.dataset, job.dataDir)
  sink.log(
    'info',
    `dataset ${data.name}: ${data.train.n} train / ${data.test.n} test examples of [${data.inputShape.join(', ')}], ` +
      `${data.numClasses} classes`,
  )

  const model = buildModel(config.model, data.inputShape, data.numClasses, config.seed)
  let teacher: tf.LayersModel | null = null
  try {
    const stats = modelStats(model)
    sink.layers?.('before', stats.layers)
    sink.log('info', `model ${config.model.arch}: ${round(stats.params, 0)} parameters, ${round(stats.macs / 1e6, 2)} M MACs per example`)

    let loss: TrainLoss = crossEntropyLoss
    let phase = 'train'
    const results: Record<string, number> = {}
    if (config.method.kind === 'distill') {
      if (!job.teacherModelPath) throw new Error('a distillation run needs a teacher model (teacherModelPath is not set)')
      const loaded = await loadTeacher(job.teacherModelPath, data.inputShape, data.numClasses)
      teacher = loaded.model
      if (loaded.note) sink.log('info', loaded.note)
      const t = await evaluate(teacher, data.test.x, data.test.y, { inputShape: data.inputShape })
      results['teacher.test.accuracy'] = t.accuracy
      results['teacher.test.errors'] = t.errors
      sink.log('info', `teacher: ${t.errors} test errors (accuracy ${(t.accuracy * 100).toFixed(2)} %)`)
      loss = hintonObjective(teacher, { temperature: config.method.temperature, alpha: config.method.alpha })
      phase = 'distill'
    }

    const trained = await trainModel({
      model,
      train: data.train,
      test: data.test,
      inputShape: data.inputShape,
      training: config.training,
      seed: config.seed,
      loss,
      phase,
      onProgress: (p) => sink.progress(p),
      onEpochEnd: (epoch, metrics) =>
        sink.metrics(Object.entries(metrics).map(([key, value]) => ({ key, step: epoch, value }))),
    })

    sink.progress({ phase: 'evaluate', epoch: trained.epochs, epochs: trained.epochs, step: 0, steps: 1, fraction: 1, etaSeconds: 0 })
    const test = await evaluate(model, data.test.x, data.test.y, { inputShape: data.inputShape })
    const files = await saveModel(model, join(job.artifactDir, 'model'))
    for (const f of files) sink.artifact({ kind: 'model', ...f })
    const last = trained.history[trained.history.length - 1] ?? {}
    sink.result({
      ...results,
      'test.accuracy': test.accuracy,
      'test.loss': test.loss,
      'test.errors': test.errors,
      'test.examples': test.n,
      'train.examples': data.train.n,
      ...(last['train.loss'] !== undefined ? { 'train.loss': last['train.loss'], 'train.accuracy': last['train.accuracy'] } : {}),
      params: stats.params,
      macs: stats.macs,
      'model.bytes': files.reduce((a, f) => a + f.bytes, 0),
      'train.seconds': trained.seconds,
      epochs: trained.epochs,
    })
    sink.log('info', `done: ${test.errors} test errors (accuracy ${(test.accuracy * 100).toFixed(2)} %) in ${round(trained.seconds)} s of training`)
  } finally {
    model.dispose()
    teacher?.dispose()
  }
}

/** Executes one run and reports to `sink`; rejects with a one-line message on failure. */
export async function executeRun(job: RunJob, sink: RunSink): Promise<void> {
  try {
    await execute(job, sink)
  } catch (e) {
    throw new Error(oneLine(e))
  }
}
