import { join } from 'node:path'
import type { DatasetSpec } from '../../../src-shared/spec/schema'
import { loadCifar } from './cifar'
import { loadCsvDataset } from './csv-dataset'
import type { Dataset } from './dataset'
import { loadIdxDataset } from './idx-dataset'
import { loadImageFolderDataset } from './image-folder-dataset'
import { loadMnist10k } from './mnist-10k'

/** Where the data folder keeps derived copies of built-in datasets (mnist-10k-cache.ts). */
export const DATA_CACHE_DIR = '.cache'

/** Loads the dataset a run names; relative file paths resolve against `dataDir`. */
export function loadDataset(spec: DatasetSpec, dataDir: string): Dataset {
  switch (spec.name) {
    case 'mnist-10k':
      return loadMnist10k({
        testFraction: spec.testFraction,
        splitSeed: spec.splitSeed,
        trainLimit: spec.trainLimit,
        cacheDir: join(dataDir, DATA_CACHE_DIR),
      })
    case 'idx':
      return loadIdxDataset(spec, dataDir)
    case 'csv':
      return loadCsvDataset(spec, dataDir)
    case 'cifar10':
    case 'cifar100':
      return loadCifar(spec, dataDir)
    case 'image-folder':
      return loadImageFolderDataset(spec, dataDir)
    case 'shapes':
    case 'voc':
      throw new Error(`dataset ${spec.name} holds images with boxes: the detection methods load it`)
  }
}
