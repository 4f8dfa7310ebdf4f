/**
 * The engine's public entry points (DESIGN §4). The worker calls `executeRun`; the Lab calls the
 * cheap, tf-free checks at launch time so a bad spec fails before anything is queued.
 */
export { executeRun } from './run'
export { checkRunConfig } from './validate'
export { listDatasets } from './data/catalog'
export { listModelArchs } from './models/catalog'
export { doctor } from './backend/doctor'

// Building blocks for benchmarks and other engine callers (all load TensorFlow.js).
export { selectBackend } from './backend/select-backend'
export { loadDataset } from './data/load-dataset'
export type { Dataset, DataSplit } from './data/dataset'
export { buildModel } from './models/build-model'
export { modelStats, type LayerStats, type ModelStats } from './models/layer-report'
export { saveModel, loadModel } from './models/model-files'
export { trainModel, type TrainOptions, type TrainResult } from './train/train-model'
export type { TrainLoss, BatchExtras } from './train/train-loss'
export { crossEntropyLoss } from './train/cross-entropy'
export { evaluate, type Evaluation } from './train/evaluate'
export { hintonLoss } from './distill/losses/hinton'
export { hintonObjective } from './distill/hinton-objective'
