/**
 * A run on a detection dataset: `executeRun` dispatches here before any classification data is
 * loaded. `detect` and `detect-distill` train detectors (detect.ts); `prune` and `singh` prune one
 * (detect-prune.ts); the other pruning methods are refused in one line.
 */
import type { RunConfig } from '../../../src-shared/spec/expand'
import { isDetectionDataset, isDetectionModel } from '../../../src-shared/spec/schema'
import type { RunJob } from '../run-job'
import type { SinkWithLayers } from './context'
import { runDetection } from './detect'
import { runDetectionPrune, runDetectionSingh } from './detect-prune'

export async function executeDetectionRun(job: RunJob, config: RunConfig, sink: SinkWithLayers): Promise<void> {
  const { dataset, model, method, training, seed } = config
  if (!isDetectionDataset(dataset) || !isDetectionModel(model)) {
    throw new Error(`method ${method.kind}: detection needs a shapes or voc dataset and a tinyYolo or denseStackedStudent model`)
  }
  const run = { job, sink, dataset, model, training, seed }
  switch (method.kind) {
    case 'detect':
    case 'detect-distill':
      return runDetection({ ...run, method })
    case 'prune':
      return runDetectionPrune({ ...run, method })
    case 'singh':
      return runDetectionSingh({ ...run, method })
    default:
      throw new Error(`method ${method.kind} does not run on detection datasets (detect, detect-distill, prune and singh do)`)
  }
}
