/**
 * The unlabelled pool of a scarce-label study: the training examples beyond `dataset.trainLimit`.
 * Every loader takes "the first trainLimit examples" of one seeded order, so loading the dataset
 * without the limit and skipping the first `labelled` examples gives exactly the others.
 */
import { isDetectionDataset, type DatasetSpec } from '../../../../src-shared/spec/schema'
import type { DataSplit } from '../../data/dataset'
import { featureSize } from '../../data/dataset'
import { loadDataset } from '../../data/load-dataset'

/** The training examples after the first `labelled` ones, or an empty split when there is no limit. */
export function unlabelledPool(spec: DatasetSpec, dataDir: string, labelled: number): DataSplit {
  if (isDetectionDataset(spec) || spec.trainLimit === undefined) return { x: new Float32Array(0), y: new Int32Array(0), n: 0 }
  const full = loadDataset({ ...spec, trainLimit: undefined }, dataDir)
  const d = featureSize(full.inputShape)
  const n = Math.max(0, full.train.n - labelled)
  return { x: full.train.x.slice(labelled * d), y: full.train.y.slice(labelled), n }
}
