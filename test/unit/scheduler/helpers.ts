/** Real labs with real worker processes on tiny data (mnist-10k, 300 training digits, MLP [16]). */
import type { EventPayloads } from '../../../src-shared/contract'
import type { RunStatus } from '../../../src-shared/types'
import { forkLauncher } from '../../../src-main/scheduler/fork-launcher'
import type { WorkerHandle, WorkerLauncher } from '../../../src-main/scheduler/launcher'
import type { Lab } from '../../../src-main/lab/index'

/** 300 training digits, an MLP [16], `epochs` epochs in batches of 100: what every spec here trains. */
function tinyMlp(name: string, epochs: number): Record<string, unknown> {
  return {
    name,
    dataset: { name: 'mnist-10k', trainLimit: 300 },
    model: { arch: 'mlp', hidden: [16] },
    training: { epochs, batchSize: 100 },
  }
}

/** A spec that trains `seeds.length` tiny MLPs. */
export function trainSpec(
  name: string,
  epochs: number,
  seeds: number[] = [0],
): Record<string, unknown> {
  return { ...tinyMlp(name, epochs), sweep: { seeds } }
}

/** A teacher (MLP [32]) and one student (MLP [16]) distilled from it; no baseline. */
export function distillSpec(
  name: string,
  epochs: number,
  teacherEpochs = epochs,
): Record<string, unknown> {
  return {
    ...tinyMlp(name, epochs),
    method: {
      kind: 'distill',
      temperature: 2,
      baseline: false,
      teacher: {
        source: 'train',
        model: { arch: 'mlp', hidden: [32] },
        training: { epochs: teacherEpochs },
      },
    },
  }
}

/** The fork launcher, remembering every worker it starts (so a test can signal one). */
export function recordingLauncher(): WorkerLauncher & { handles: WorkerHandle[] } {
  const inner = forkLauncher()
  const handles: WorkerHandle[] = []
  return {
    handles,
    spawn() {
      const h = inner.spawn()
      handles.push(h)
      return h
    },
  }
}

/** Every run.status event, in order. */
export function statusHistory(lab: Lab): EventPayloads['run.status'][] {
  const history: EventPayloads['run.status'][] = []
  lab.subscribe('run.status', (p) => history.push(p))
  return history
}

/** Resolves with the first event of `event` that satisfies `test`. */
export function nextEvent<E extends 'run.status' | 'run.metric' | 'run.progress'>(
  lab: Lab,
  event: E,
  test: (p: EventPayloads[E]) => boolean,
  timeoutMs = 60_000,
): Promise<EventPayloads[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no ${event} event within ${timeoutMs} ms`))
    }, timeoutMs)
    const off = lab.subscribe(event, (p) => {
      if (!test(p)) return
      clearTimeout(timer)
      off()
      resolve(p)
    })
  })
}

/** The largest number of runs that were `running` at once, replaying a status history. */
export function maxConcurrent(history: { runId: number; status: RunStatus }[]): number {
  const running = new Set<number>()
  let max = 0
  for (const h of history) {
    if (h.status === 'running') running.add(h.runId)
    else running.delete(h.runId)
    max = Math.max(max, running.size)
  }
  return max
}
