/**
 * All runs, for the runs table: one snapshot (`runs.list`), then pushed events applied in place —
 * `run.created` refetches, `run.status` and `run.progress` update a row, a run reaching a final
 * status (or whose tags changed: `run.updated`) is refetched alone, `run.deleted` drops rows.
 * Parameter values for extra columns and group-by (`runs.paramValues`) are loaded per key on
 * demand and refreshed with the snapshot, as are the distilled students' gains over the student
 * alone (`runs.studentGains`, when students are listed). Actions on runs (cancel, re-run, delete, tag) live here.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EventPayloads, MethodOutputs, ParamValue } from '../../src-shared/contract'
import type { RunSummary } from '../../src-shared/types'
import { lab } from '../api/client'
import { isEnvelope, unwrap } from '../api/lab-connection'
import { FIRST_RUNS_INPUT } from '../first-runs'
import { STUDENT_GAIN, type ParamLookup } from '../views/runs-model'
import { useConnectionStore } from './connection'
import { isTerminal, statusAdvances } from './run-status'

/** How many runs the table loads (the newest first); the total is shown when there are more. */
export const RUNS_SNAPSHOT_LIMIT = 10_000
/** How many of the newest runs the first request asks for, so the table paints before the rest arrive. */
/** The first page prefetched by `prefetch.ts` (once), or null: the caller then asks itself. */
async function takeFirstRunsPage(): Promise<MethodOutputs['runs.list'] | null> {
  const pending = window.__complabFirstRuns
  if (!pending) return null
  window.__complabFirstRuns = undefined
  const body = await pending
  if (!isEnvelope(body) || !body.ok) return null
  return unwrap<MethodOutputs['runs.list']>(body)
}

export const useRunsStore = defineStore('runs', () => {
  // Rows are replaced, never mutated, so a shallow ref keeps 10,000 runs cheap to hold.
  const rows = shallowRef<RunSummary[]>([])
  const total = ref(0)
  const loading = ref(false)
  const loaded = ref(false)
  /** Only the newest runs are here yet (the first, small request); the rest are on their way. */
  const partial = ref(false)
  const error = ref<string | null>(null)
  const index = new Map<number, number>()
  /** Parameter key → run id → value, for the keys some view asked for. */
  const paramValues = shallowRef<ReadonlyMap<string, ReadonlyMap<number, ParamValue>>>(new Map())
  const paramKeys = shallowRef<{ key: string; distinct: number }[]>([])
  /** Each finished distilled student's gain over the student alone (run id → fraction). */
  const studentGains = shallowRef<ReadonlyMap<number, number>>(new Map())
  /** What the table's cells read besides the rows: parameter values and the students' gains. */
  const lookups = computed<ParamLookup>(() => (studentGains.value.size ? new Map([...paramValues.value, [STUDENT_GAIN, studentGains.value]]) : paramValues.value))

  let started = false
  let inFlight: Promise<void> | null = null
  let again = false
  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  /** Events that arrive while a snapshot is being taken are replayed on top of it. */
  let pending: (() => void)[] | null = null

  function setRows(next: RunSummary[]): void {
    index.clear()
    next.forEach((row, i) => index.set(row.id, i))
    rows.value = next
  }

  function replaceRow(id: number, update: (row: RunSummary) => RunSummary): boolean {
    const i = index.get(id)
    if (i === undefined) return false
    const next = rows.value.slice()
    next[i] = update(next[i])
    rows.value = next
    return true
  }

  async function snapshot(): Promise<void> {
    pending = []
    loading.value = true
    try {
      // The first time, the newest runs come first so the table paints at once; the rest follow.
      if (!loaded.value) {
        const first = (await takeFirstRunsPage()) ?? (await lab.call('runs.list', { ...FIRST_RUNS_INPUT }))
        setRows(first.rows)
        total.value = first.total
        partial.value = first.rows.length < first.total
        // Let the first rows reach the screen before the whole list is fetched and parsed (10,000
        // runs are ~8 MB of JSON, parsed on this thread).
        if (partial.value) await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
      }
      const result = await lab.call('runs.list', { sort: 'id', direction: 'desc', limit: RUNS_SNAPSHOT_LIMIT })
      setRows(result.rows)
      total.value = result.total
      error.value = null
      loaded.value = true
      partial.value = false
      if (paramValues.value.size) void loadParamValues([...paramValues.value.keys()])
      scheduleStudentGains()
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      const replay = pending ?? []
      pending = null
      loading.value = false
      for (const apply of replay) apply()
    }
  }

  /** Takes a fresh snapshot; calls made while one is running coalesce into one more. */
  function load(): Promise<void> {
    if (inFlight) {
      again = true
      return inFlight
    }
    inFlight = (async () => {
      do {
        again = false
        await snapshot()
      } while (again)
    })().finally(() => {
      inFlight = null
    })
    return inFlight
  }

  function scheduleLoad(delayMs = 150): void {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => void load(), delayMs)
  }

  async function refreshRow(id: number): Promise<void> {
    try {
      const detail = await lab.call('runs.get', { id })
      const summary: RunSummary = {
        id: detail.id,
        experimentId: detail.experimentId,
        experimentName: detail.experimentName,
        key: detail.key,
        role: detail.role,
        label: detail.label,
        method: detail.method,
        seed: detail.seed,
        status: detail.status,
        error: detail.error,
        backend: detail.backend,
        createdAt: detail.createdAt,
        startedAt: detail.startedAt,
        finishedAt: detail.finishedAt,
        progress: detail.progress,
        results: detail.results,
        tags: detail.tags,
      }
      if (!replaceRow(id, () => summary)) scheduleLoad()
      else if (summary.role === 'student' || summary.role === 'baseline') scheduleStudentGains()
    } catch {
      scheduleLoad()
    }
  }

  function whenLoaded(apply: () => void): void {
    if (pending) pending.push(apply)
    else apply()
  }

  function onStatus(p: EventPayloads['run.status']): void {
    whenLoaded(() => {
      const known = replaceRow(p.runId, (row) =>
        statusAdvances(row.status, p.status) ? { ...row, status: p.status, error: p.error } : row,
      )
      if (!known) scheduleLoad()
      else if (isTerminal(p.status)) void refreshRow(p.runId)
    })
  }

  function onProgress(p: EventPayloads['run.progress']): void {
    whenLoaded(() => {
      const { runId, ...progress } = p
      replaceRow(runId, (row) =>
        isTerminal(row.status) ? row : { ...row, progress, status: row.status === 'queued' ? 'running' : row.status },
      )
    })
  }

  function onDeleted(p: EventPayloads['run.deleted']): void {
    whenLoaded(() => {
      const gone = new Set(p.runIds)
      const kept = rows.value.filter((r) => !gone.has(r.id))
      if (kept.length !== rows.value.length) {
        total.value -= rows.value.length - kept.length
        setRows(kept)
      }
    })
  }

  function onUpdated(p: EventPayloads['run.updated']): void {
    whenLoaded(() => {
      for (const id of p.runIds) if (index.has(id)) void refreshRow(id)
    })
  }

  /** Loads the snapshot and follows events; safe to call from every view that shows runs. */
  function start(): Promise<void> {
    if (!started) {
      started = true
      lab.subscribe('run.created', () => scheduleLoad())
      lab.subscribe('run.status', onStatus)
      lab.subscribe('run.progress', onProgress)
      lab.subscribe('run.deleted', onDeleted)
      lab.subscribe('run.updated', onUpdated)
      useConnectionStore().onReconnect(() => scheduleLoad(0))
    }
    return load()
  }

  /** Every parameter key (for the column and group-by pickers). */
  async function loadParamKeys(): Promise<void> {
    try {
      paramKeys.value = (await lab.call('runs.paramKeys', {})).keys
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  /** Loads (or refreshes) the values of these parameter keys for every run. */
  async function loadParamValues(keys: string[]): Promise<void> {
    if (!keys.length) return
    try {
      const { values } = await lab.call('runs.paramValues', { keys: keys.slice(0, 8) })
      const next = new Map(paramValues.value)
      for (const [key, byId] of Object.entries(values)) {
        next.set(key, new Map(Object.entries(byId).map(([id, v]) => [Number(id), v])))
      }
      paramValues.value = next
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  /** Loads the gains shortly (a sweep's students ending together ask once). */
  let gainsTimer: ReturnType<typeof setTimeout> | undefined
  function scheduleStudentGains(): void {
    clearTimeout(gainsTimer)
    gainsTimer = setTimeout(() => void loadStudentGains(), 200)
  }

  /** The students' gains over the student alone, when distilled students are listed. */
  async function loadStudentGains(): Promise<void> {
    if (!rows.value.some((r) => r.role === 'student')) {
      if (studentGains.value.size) studentGains.value = new Map()
      return
    }
    try {
      const { gains } = await lab.call('runs.studentGains', {})
      studentGains.value = new Map(gains.map((g) => [g.runId, g.gain]))
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  /** Values of one key, loading them when missing. */
  function ensureParam(key: string): void {
    if (!paramValues.value.has(key)) void loadParamValues([key])
  }

  async function cancel(ids: readonly number[]): Promise<string[]> {
    const problems: string[] = []
    for (const id of ids) {
      try {
        const r = await lab.call('runs.cancel', { id })
        replaceRow(r.id, (row) => (statusAdvances(row.status, r.status) ? { ...row, status: r.status } : row))
      } catch (e) {
        problems.push(`#${id}: ${(e as Error).message}`)
      }
    }
    return problems
  }

  async function rerun(ids: readonly number[]): Promise<number[]> {
    const { runIds } = await lab.call('runs.rerun', { ids: [...ids] })
    scheduleLoad(0)
    return runIds
  }

  async function remove(ids: readonly number[]): Promise<number[]> {
    const { deleted } = await lab.call('runs.delete', { ids: [...ids] })
    onDeleted({ runIds: deleted })
    return deleted
  }

  async function tag(ids: readonly number[], add: string[], removeTags: string[]): Promise<void> {
    const { tags } = await lab.call('runs.tag', { ids: [...ids], add, remove: removeTags })
    for (const t of tags) replaceRow(t.id, (row) => ({ ...row, tags: t.tags }))
  }

  return {
    rows,
    total,
    loading,
    loaded,
    partial,
    error,
    paramKeys,
    paramValues,
    studentGains,
    lookups,
    start,
    load,
    loadParamKeys,
    loadParamValues,
    ensureParam,
    cancel,
    rerun,
    remove,
    tag,
  }
})
