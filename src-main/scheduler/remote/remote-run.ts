/**
 * A run on a remote worker, as the scheduler sees it: a `WorkerHandle` like a forked process, so
 * the scheduler's run lifecycle (`ActiveRun`: buffering, batched writes, settling once) serves
 * remote runs unchanged. `start` puts the job on the queue; the worker's events arrive through
 * the lab's event stream (`EventConsumer`) and are delivered here in order; the run "exits" when
 * it reported its end, when the queue gave up on it, or when the lab cancels it (a cancel is
 * broadcast to every worker: BullMQ cancels only inside the process that runs a job).
 */
import type { RunRecord } from '../../store/index'
import type { ParentMessage, RunJob, WorkerMessage } from '../../worker/protocol'
import type { WorkerHandle } from '../launcher'

/** What a remote run needs of its launcher. */
export interface RemoteHost {
  enqueue(run: RemoteRun, job: RunJob): void
  cancel(run: RemoteRun): void
  forget(run: RemoteRun): void
}

export class RemoteRun implements WorkerHandle {
  readonly pid = undefined
  /** The BullMQ job id, once the run was sent (or taken up after a restart). */
  jobId: string | null = null
  private released = false
  private detachedByLab = false
  private readonly handlers: ((m: WorkerMessage) => void)[] = []
  private exitHandler: ((code: number | null, signal: string | null) => void) | null = null

  constructor(
    readonly run: RunRecord,
    private readonly host: RemoteHost,
  ) {
    // The scheduler sends the job once the "worker" is ready: a queue is ready at once.
    setImmediate(() => this.deliver({ type: 'ready' }))
  }

  /** A restarted lab takes this run up: its job is already on the queue. */
  get adopted(): boolean {
    return this.run.status === 'running'
  }

  get detached(): boolean {
    return this.detachedByLab
  }

  get exited(): boolean {
    return this.released
  }

  send(message: ParentMessage): void {
    if (message.type === 'start' && !this.released) this.host.enqueue(this, message.job)
  }

  onMessage(handler: (message: WorkerMessage) => void): void {
    this.handlers.push(handler)
  }

  onExit(handler: (code: number | null, signal: string | null) => void): void {
    this.exitHandler = handler
  }

  /** The lab stopping lets the run go on (the next lab takes it up); anything else cancels it. */
  kill(reason?: string): void {
    if (this.released) return
    if (reason === 'stop') this.detachedByLab = true
    else this.host.cancel(this)
    this.exit(null, 'SIGKILL')
  }

  /** An event of the run, in order; its end (done, error) ends the handle right after. */
  deliver(message: WorkerMessage): void {
    if (this.released) return
    for (const h of this.handlers) h(message)
    if (message.type === 'done') setImmediate(() => this.exit(0, null))
    if (message.type === 'error') setImmediate(() => this.exit(1, null))
  }

  /** Ends the run with `message` (the queue failed it, the job could not be built). */
  fail(message: string): void {
    this.deliver({ type: 'error', message })
  }

  exit(code: number | null, signal: string | null): void {
    if (this.released) return
    this.released = true
    this.host.forget(this)
    this.exitHandler?.(code, signal)
  }
}
