/**
 * Shared by the detection-executor tests (not a test file itself): a detection run through
 * `executeRun` (the one dispatcher), from the parts of its config.
 */
import type { RunConfig } from '../../../../src-shared/spec/expand'
import { executeRun } from '../../../../src-main/engine/run'
import type { SinkWithLayers } from '../../../../src-main/engine/methods/context'
import type { RunJob } from '../../../../src-main/worker/protocol'

/** One detection run: job paths, sink and the config's parts. */
export interface DetectionRun extends Pick<RunConfig, 'dataset' | 'model' | 'training' | 'method' | 'seed'> {
  job: Pick<RunJob, 'artifactDir' | 'dataDir' | 'teacherModelPaths' | 'parentModelPath'>
  sink: SinkWithLayers
}

/** Executes a detection run on the wasm backend. */
export function runDetection(r: DetectionRun): Promise<void> {
  const { job, sink, ...config } = r
  return executeRun({ runId: 1, config, backend: 'wasm', ...job }, sink)
}
