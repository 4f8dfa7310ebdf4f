/**
 * `executeRun`: one run, start to end, in a worker process (DESIGN §1, §4). Select the backend,
 * load the dataset (a detection dataset goes to `executeDetectionRun`), then hand over to the executor of the run's method (`methods/`), which builds
 * or loads its models, trains, evaluates, saves the model and reports to the sink. Any failure
 * becomes an Error with a one-line message.
 */
import type { RunJob, RunSink } from './run-job'
import { selectBackend } from './backend/select-backend'
import { loadDataset } from './data/load-dataset'
import type { SinkWithLayers } from './methods/context'
import { isDetectionDataset } from '../../src-shared/spec/schema'
import { executorFor } from './methods'
import { executeDetectionRun } from './methods/detection-run'

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message || e.name : String(e)
  return text.split('\n').map((s) => s.trim()).find(Boolean) ?? 'run failed'
}

async function execute(job: RunJob, sink: SinkWithLayers): Promise<void> {
  const { config } = job
  if (isDetectionDataset(config.dataset)) {
    sink.backend(await selectBackend(job.backend))
    await executeDetectionRun(job, config, sink)
    return
  }
  const executor = executorFor(config.method.kind)
  const backend = await selectBackend(job.backend)
  sink.backend(backend)
  const data = loadDataset(config.dataset, job.dataDir)
  sink.log(
    'info',
    `dataset ${data.name}: ${data.train.n} train / ${data.test.n} test examples of [${data.inputShape.join(', ')}], ` +
      `${data.numClasses} classes`,
  )
  await executor({ job, config, sink, data, backend })
}

/** Executes one run and reports to `sink`; rejects with a one-line message on failure. */
export async function executeRun(job: RunJob, sink: RunSink): Promise<void> {
  try {
    await execute(job, sink)
  } catch (e) {
    throw new Error(oneLine(e))
  }
}
