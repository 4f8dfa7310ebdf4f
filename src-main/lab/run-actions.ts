/**
 * What a user does to runs from the runs table: delete (with their files), re-run, tag and note.
 * Each checks first and changes nothing when it refuses; the views learn of changes by events.
 */
import { rmSync } from 'node:fs'
import { LabError } from '../../src-shared/contract'
import { mapModelRefs, modelRefs, runParams, type ModelRef, type RunRole } from '../../src-shared/spec/expand'
import type { RunRecord, Store } from '../store/index'
import type { RunAdminRepo } from '../store/run-admin'
import type { EventBus } from './events'
import { runArtifactDir } from '../store/data-folder'

export interface RunActionContext {
  store: Store
  admin: RunAdminRepo
  events: EventBus
  dataDir: string
  wake(): void
}

function ids(list: readonly number[]): string {
  return list.map((id) => `#${id}`).join(', ')
}

/** Every run of `idList` (deduplicated, in id order); `not_found` naming those that do not exist. */
function existing(store: Store, idList: readonly number[]): RunRecord[] {
  const unique = [...new Set(idList)].sort((a, b) => a - b)
  const records = unique.map((id) => store.runs.get(id))
  const missing = unique.filter((_, i) => !records[i])
  if (missing.length) {
    throw new LabError('not_found', `${missing.length === 1 ? 'run' : 'runs'} ${ids(missing)} ${missing.length === 1 ? 'does' : 'do'} not exist`, { missing })
  }
  return records as RunRecord[]
}

const ACTIVE = new Set(['queued', 'running'])

/** Deletes finished/failed/cancelled/interrupted runs and their artifact folders. */
export function deleteRuns(ctx: RunActionContext, idList: readonly number[]): { deleted: number[] } {
  const runs = existing(ctx.store, idList)
  const active = runs.filter((r) => ACTIVE.has(r.status)).map((r) => r.id)
  if (active.length) throw new LabError('conflict', `cancel ${ids(active)} first: a queued or running run cannot be deleted`, { active })
  const wanted = runs.map((r) => r.id)
  const dependents = ctx.admin.activeDependents(wanted)
  if (dependents.length) {
    throw new LabError('conflict', `runs ${ids(dependents)} are waiting for or using these runs' models; cancel them first`, { dependents })
  }
  const { deleted } = ctx.admin.deleteRuns(wanted)
  for (const id of deleted) {
    try {
      rmSync(runArtifactDir(ctx.dataDir, id), { recursive: true, force: true })
    } catch {
      // The rows are gone; a file that cannot be removed is left for the user.
    }
  }
  if (deleted.length) ctx.events.emit('run.deleted', { runIds: deleted })
  return { deleted }
}

const RERUN_SUFFIX = / \(re-run\)$/

/**
 * Queues a copy of each run with the same configuration. A model it reads from another run of
 * the same call is read from that run's copy; one read from elsewhere must be finished with a
 * saved model, or still queued/running (the copy then waits for it).
 */
export function rerunRuns(ctx: RunActionContext, idList: readonly number[]): { runIds: number[] } {
  const { store } = ctx
  const runs = existing(store, idList)
  const active = runs.filter((r) => ACTIVE.has(r.status)).map((r) => r.id)
  if (active.length) throw new LabError('conflict', `${ids(active)} ${active.length === 1 ? 'is' : 'are'} still queued or running`, { active })
  const inCall = new Set(runs.map((r) => r.id))
  const problems: string[] = []
  for (const r of runs) {
    const { teachers, parent } = modelRefs(r.config.method)
    for (const ref of [...teachers, ...(parent ? [parent] : [])]) {
      if (!('runId' in ref) || inCall.has(ref.runId)) continue
      const source = store.runs.get(ref.runId)
      if (!source) problems.push(`run #${r.id} reads the model of run #${ref.runId}, which no longer exists`)
      else if (source.status === 'finished' && !store.outputs.modelArtifact(ref.runId))
        problems.push(`run #${r.id} reads the model of run #${ref.runId}, which saved none`)
      else if (source.status !== 'finished' && !ACTIVE.has(source.status))
        problems.push(`run #${r.id} reads the model of run #${ref.runId}, which ${source.status}: re-run both together`)
    }
  }
  if (problems.length) throw new LabError('conflict', problems.join('; '), { problems })

  const created = store.transaction(() => {
    const newIds = new Map<number, number>()
    // Id order puts teachers and parents before the runs that read them (they were created first).
    for (const r of runs) {
      const config = mapModelRefs(r.config, (ref: ModelRef) => ('runId' in ref && newIds.has(ref.runId) ? { runId: newIds.get(ref.runId) as number } : ref))
      const { teachers, parent } = modelRefs(config.method)
      const waitFor = [...teachers, ...(parent ? [parent] : [])]
        .filter((ref): ref is { runId: number } => 'runId' in ref)
        .map((ref) => ref.runId)
        .filter((id) => ACTIVE.has(store.runs.get(id)?.status ?? ''))
      let n = 1
      while (ctx.admin.keyTaken(r.experimentId, `${r.key}~r${n}`)) n++
      const label = `${r.label.replace(RERUN_SUFFIX, '')} (re-run)`
      const firstTeacher = teachers.find((t): t is { runId: number } => 'runId' in t)
      const id = store.runs.insert({
        experimentId: r.experimentId,
        key: `${r.key}~r${n}`,
        role: r.role,
        label,
        method: r.method,
        seed: r.seed,
        params: runParams({ key: r.key, role: r.role as RunRole, label, seed: r.seed, config, dependsOn: [], sweepPoint: {} }),
        config,
        dependsOn: [...new Set(waitFor)],
        teacherRunId: firstTeacher?.runId ?? null,
        parentRunId: parent && 'runId' in parent ? parent.runId : null,
      })
      store.annotations.addTags(id, store.annotations.tagsFor([r.id]).get(r.id) ?? [])
      newIds.set(r.id, id)
    }
    return runs.map((r) => ({ experimentId: r.experimentId, id: newIds.get(r.id) as number }))
  })
  const byExperiment = new Map<number, number[]>()
  for (const c of created) byExperiment.set(c.experimentId, [...(byExperiment.get(c.experimentId) ?? []), c.id])
  for (const [experimentId, runIds] of byExperiment) ctx.events.emit('run.created', { experimentId, runIds })
  ctx.wake()
  return { runIds: created.map((c) => c.id) }
}

/** Adds and removes tags on several runs; returns each run's tags afterwards. */
export function tagRuns(
  ctx: RunActionContext,
  idList: readonly number[],
  add: readonly string[],
  remove: readonly string[],
): { tags: { id: number; tags: string[] }[] } {
  const runs = existing(ctx.store, idList)
  const runIds = runs.map((r) => r.id)
  ctx.store.transaction(() => {
    for (const id of runIds) {
      ctx.store.annotations.addTags(id, add)
      for (const t of remove) ctx.store.annotations.removeTag(id, t)
    }
  })
  const tags = ctx.store.annotations.tagsFor(runIds)
  ctx.events.emit('run.updated', { runIds })
  return { tags: runIds.map((id) => ({ id, tags: tags.get(id) ?? [] })) }
}

/** Sets a run's note (an empty one removes it). */
export function noteRun(ctx: RunActionContext, id: number, body: string): { id: number; note: string | null } {
  existing(ctx.store, [id])
  ctx.store.annotations.setNote(id, body)
  ctx.events.emit('run.updated', { runIds: [id] })
  return { id, note: ctx.store.annotations.note(id) }
}
