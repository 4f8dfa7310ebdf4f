/**
 * `executeRun`: one run, start to end, in a worker process (DESIGN §1, §4). Select the backend,
 * make the run's task (load its data: `tasks/`), then hand over to the executor of the run's
 * method (`methods/`, one registry for every task), which builds or loads its models, trains,
 * evaluates, saves the model and reports to the sink. Any failure becomes an Error with a
 * one-line message.
 */
import * as tf from '@tensorflow/tfjs'
import type { RunJob, RunSink } from './run-job'
import { selectBackend } from './backend/select-backend'
import { activeWebGpuAdapter } from './backend/webgpu-node'
import { clearWebGpuError, settledWebGpuFault, throwIfWebGpuFailed } from './backend/webgpu-faults'
import { onPipelineCompiled } from './backend/webgpu-pipelines'
import { executorFor } from './methods'
import { createTask } from './tasks'
import { METHOD_TASKS } from './tasks/method-tasks'

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message || e.name : String(e)
  return text.split('\n').map((s) => s.trim()).find(Boolean) ?? 'run failed'
}

async function execute(job: RunJob, sink: RunSink): Promise<void> {
  const { config } = job
  const executor = executorFor(config.method.kind)
  const backend = await selectBackend(job.backend)
  sink.backend(backend, backend === 'webgpu' ? activeWebGpuAdapter() : null)
  const task = createTask({ job, config, sink })
  if (!METHOD_TASKS[config.method.kind].includes(task.kind)) {
    throw new Error(`method ${config.method.kind} does not run on ${task.kind} datasets`)
  }
  await executor({ job, config, sink, task, backend })
}

/** Executes one run and reports to `sink`; rejects with a one-line message on failure. */
export async function executeRun(job: RunJob, sink: RunSink): Promise<void> {
  const quiet = onPipelineCompiled(() => sink.alive?.())
  clearWebGpuError()
  try {
    await execute(job, sink)
    throwIfWebGpuFailed()
  } catch (e) {
    // A lost device or an allocation failure says so (naming the adapter), not the bare
    // DOMException that a read on such a device rejects with.
    throw new Error((tf.getBackend() === 'webgpu' ? await settledWebGpuFault() : null) ?? oneLine(e))
  } finally {
    quiet()
  }
}
