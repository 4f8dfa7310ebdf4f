/**
 * All runs, for the runs table: one snapshot (`runs.list`), then pushed events applied in place —
 * `run.created` refetches, `run.status` and `run.progress` update a row, and a run reaching a
 * final status is refetched alone for its results.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { EventPayloads } from '../../src-shared/contract'
import type { RunSummary } from '../../src-shared/types'
import { lab } from '../api/client'
import { useConnectionStore } from './connection'
import { isTerminal, statusAdvances } from './run-status'

/** How many runs the table loads (the newest first); the total is shown when there are more. */
export const RUNS_SNAPSHOT_LIMIT = 10_000

export const useRunsStore = defineStore('runs', () => {
  // Rows are replaced, never mutated, so a shallow ref keeps 10,000 runs cheap to hold.
  const rows = shallowRef<RunSummary[]>([])
  const total = ref(0)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const index = new Map<number, number>()

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
      const result = await lab.call('runs.list', { sort: 'id', direction: 'desc', limit: RUNS_SNAPSHOT_LIMIT })
      setRows(result.rows)
      total.value = result.total
      error.value = null
      loaded.value = true
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

  /** Loads the snapshot and follows events; safe to call from every view that shows runs. */
  function start(): Promise<void> {
    if (!started) {
      started = true
      lab.subscribe('run.created', () => scheduleLoad())
      lab.subscribe('run.status', onStatus)
      lab.subscribe('run.progress', onProgress)
      useConnectionStore().onReconnect(() => scheduleLoad(0))
    }
    return load()
  }

  return { rows, total, loading, loaded, error, start, load }
})
