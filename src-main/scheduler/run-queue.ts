/**
 * The scheduler's decisions that need no process of their own: which queued run may start next
 * (its dependencies finished; a run whose dependency can never finish fails), the job a worker
 * gets, how a worker's exit reads as a run status, and what a run that did not finish leaves in
 * its folder.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { modelRefs, type ModelRef } from '../../src-shared/spec/expand'
import type { RunStatus } from '../../src-shared/types'
import { resolveDataPath } from '../engine/data/data-path'
import { makeDirectory, runArtifactDir } from '../store/data-folder'
import { INTERRUPTED_REASON, type RunRecord, type Store } from '../store/index'
import type { RunJob } from '../worker/protocol'
import type { Emit } from './event-buffer'
import type { WorkerHandle } from './launcher'
import { warn } from './options'

export type TerminalStatus = Exclude<RunStatus, 'queued' | 'running'>

/** Why the scheduler ended a worker itself; decides the status when the process exits. */
export type EndReason = 'cancel' | 'stop' | 'heartbeat' | 'start-timeout' | 'lingered' | 'storage'

/** Statuses after which a dependent run can never start. */
const DEAD_END: readonly RunStatus[] = ['failed', 'cancelled', 'interrupted']

/** `teacher run #3 failed`, `parent run #5 failed: it was cancelled`, … */
function dependencyFailure(what: string, id: number, status: RunStatus | undefined): string {
  if (status === undefined) return `${what} run #${id} failed: it no longer exists`
  if (status === 'failed') return `${what} run #${id} failed`
  return `${what} run #${id} failed: it was ${status}`
}

/**
 * The oldest queued run (not already in a worker) whose dependencies have all finished. Queued
 * runs whose dependency can never finish fail on the way (which in turn fails their own
 * dependents on the next look). With `experiments`, only the runs of those experiments are
 * looked at: the others are left queued, untouched, for another lab (`complab run` runs only the
 * experiment it launched).
 */
export function nextRunnable(
  store: Store,
  isActive: (runId: number) => boolean,
  emit: Emit,
  experiments?: ReadonlySet<number>,
): RunRecord | undefined {
  for (;;) {
    let failedOne = false
    const queued = store.runs
      .queuedDependencies()
      .filter((q) => !experiments || experiments.has(q.experimentId))
    const deps = store.runs.statuses([...new Set(queued.flatMap((q) => q.dependsOn))])
    for (const run of queued) {
      if (isActive(run.id)) continue
      const blocker = run.dependsOn.find((id) => {
        const status = deps.get(id)
        return status === undefined || DEAD_END.includes(status)
      })
      if (blocker !== undefined) {
        // A pruning run depends on its parent; every other dependency is a teacher.
        const what = store.runs.get(run.id)?.parentRunId === blocker ? 'parent' : 'teacher'
        const error = dependencyFailure(what, blocker, deps.get(blocker))
        if (store.runs.settle(run.id, 'failed', error))
          emit('run.status', { runId: run.id, status: 'failed', error })
        failedOne = true
        continue
      }
      if (run.dependsOn.every((id) => deps.get(id) === 'finished')) {
        const record = store.runs.get(run.id)
        if (record?.status === 'queued') return record
      }
    }
    // A run that failed may have been the teacher of a later one: look again.
    if (!failedOne) return undefined
  }
}

/** The job a worker gets for `run`: its config, its artifact folder (created), its models. */
export function runJob(
  store: Store,
  run: RunRecord,
  o: { dataDir: string; backend?: string },
): RunJob {
  const artifactDir = runArtifactDir(o.dataDir, run.id)
  makeDirectory(artifactDir)
  const job: RunJob = { runId: run.id, config: run.config, artifactDir, dataDir: o.dataDir }
  if (o.backend) job.backend = o.backend
  const { teachers, parent } = modelRefs(run.config.method)
  if (teachers.length)
    job.teacherModelPaths = teachers.map((ref) => modelPath(store, o.dataDir, ref, 'teacher'))
  if (parent) job.parentModelPath = modelPath(store, o.dataDir, parent, 'parent')
  return job
}

/** The model.json a reference names: an earlier run's saved model, or an imported file. */
function modelPath(store: Store, dataDir: string, ref: ModelRef, what: string): string {
  if ('path' in ref) return resolveDataPath(dataDir, ref.path)
  if ('runKey' in ref) throw new Error(`${what} ${ref.runKey} was never resolved to a run id`)
  const model = store.outputs.modelArtifact(ref.runId)
  if (!model) throw new Error(`${what} run #${ref.runId} has no saved model (model.json)`)
  return model.path
}

/** `2.5 s`, `60 s`. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  return lines.length ? lines[lines.length - 1] : ''
}

/**
 * The status of a run whose worker exited before it reported its end: a failure (with the
 * worker's last stderr line), unless the lab itself ended the worker (`endReason`).
 */
export function exitOutcome(
  active: { stopped: { reason: EndReason; detail: string | null } | null; handle: WorkerHandle },
  code: number | null,
  signal: string | null,
  timeouts: { heartbeatTimeoutMs: number; startTimeoutMs: number },
): [TerminalStatus, string | null] {
  switch (active.stopped?.reason) {
    case 'cancel':
      return ['cancelled', null]
    case 'stop':
      return ['interrupted', INTERRUPTED_REASON]
    case 'heartbeat':
      return [
        'failed',
        `worker stopped responding (no heartbeat for ${seconds(timeouts.heartbeatTimeoutMs)})`,
      ]
    case 'start-timeout':
      return ['failed', `worker did not start within ${seconds(timeouts.startTimeoutMs)}`]
    case 'storage':
      return [
        'failed',
        `${active.stopped?.detail ?? 'cannot write the database'}; the run was stopped`,
      ]
    default: {
      const tail =
        'stderrTail' in active.handle
          ? lastLine((active.handle as { stderrTail(): string }).stderrTail())
          : ''
      const why = signal
        ? `worker killed by ${signal}`
        : `worker exited with code ${code ?? 'unknown'} before finishing`
      return ['failed', tail ? `${why}: ${tail}` : why]
    }
  }
}

/**
 * Removes what a run that did not finish left in its artifact folder without recording it: a
 * temporary file of a save it was killed in, a file it was writing. Recorded artifacts stay.
 */
export function discardUnrecorded(store: Store, dataDir: string, runId: number): void {
  const dir = runArtifactDir(dataDir, runId)
  if (!existsSync(dir)) return
  try {
    const recorded = new Set(store.outputs.artifacts(runId).map((a) => resolve(a.path)))
    const sweep = (folder: string): boolean => {
      let empty = true
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name)
        if (entry.isDirectory() && sweep(path)) rmSync(path, { recursive: true, force: true })
        else if (!entry.isDirectory() && !recorded.has(resolve(path))) rmSync(path, { force: true })
        else empty = false
      }
      return empty
    }
    if (sweep(dir)) rmSync(dir, { recursive: true, force: true })
  } catch (err) {
    warn(`could not tidy the artifact folder of run #${runId}`, err)
  }
}
