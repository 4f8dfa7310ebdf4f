/**
 * The run shown on the run page: its detail (`runs.get`) and metric series (`runs.metrics`),
 * kept live by `run.metric`, `run.progress`, `run.status` and `run.log` for that run only.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EventPayloads } from '../../src-shared/contract'
import type { MetricPoint, MetricSeries, RunDetail } from '../../src-shared/types'
import { lab } from '../api/client'
import { useConnectionStore } from './connection'
import { isTerminal, statusAdvances } from './run-status'

type Points = { step: number; value: number }[]

/** Inserts or replaces points by step, keeping each series sorted (events may repeat a step). */
function mergePoints(series: Map<string, Points>, points: readonly MetricPoint[]): Map<string, Points> {
  const next = new Map(series)
  for (const { key, step, value } of points) {
    const list = (next.get(key) ?? []).slice()
    const last = list[list.length - 1]
    if (!last || last.step < step) list.push({ step, value })
    else {
      const at = list.findIndex((p) => p.step >= step)
      if (list[at].step === step) list[at] = { step, value }
      else list.splice(at, 0, { step, value })
    }
    next.set(key, list)
  }
  return next
}

export const useRunDetailStore = defineStore('run-detail', () => {
  const runId = ref<number | null>(null)
  const detail = shallowRef<RunDetail | null>(null)
  const series = shallowRef<Map<string, Points>>(new Map())
  const loading = ref(false)
  const error = ref<string | null>(null)
  const cancelling = ref(false)

  let unsubscribes: (() => void)[] = []
  let pending: (() => void)[] | null = null
  let generation = 0

  const metricKeys = computed(() => [...series.value.keys()].sort())

  function forThisRun<T extends { runId: number }>(apply: (payload: T) => void): (payload: T) => void {
    return (payload) => {
      if (payload.runId !== runId.value) return
      if (pending) pending.push(() => apply(payload))
      else apply(payload)
    }
  }

  async function fetchDetail(id: number, gen: number): Promise<void> {
    const d = await lab.call('runs.get', { id })
    if (gen === generation) detail.value = d
  }

  async function load(): Promise<void> {
    const id = runId.value
    if (id === null) return
    const gen = ++generation
    pending = []
    loading.value = true
    try {
      const [d, metrics] = await Promise.all([lab.call('runs.get', { id }), lab.call('runs.metrics', { id })])
      if (gen !== generation) return
      detail.value = d
      series.value = new Map(metrics.map((s: MetricSeries) => [s.key, s.points]))
      error.value = null
    } catch (e) {
      if (gen === generation) error.value = (e as Error).message
    } finally {
      if (gen === generation) {
        const replay = pending ?? []
        pending = null
        loading.value = false
        for (const apply of replay) apply()
      }
    }
  }

  const onMetric = forThisRun<EventPayloads['run.metric']>((p) => {
    series.value = mergePoints(series.value, p.points)
  })

  const onProgress = forThisRun<EventPayloads['run.progress']>((p) => {
    const d = detail.value
    if (!d || isTerminal(d.status)) return
    const { runId: _id, ...progress } = p
    detail.value = { ...d, progress, status: d.status === 'queued' ? 'running' : d.status }
  })

  const onStatus = forThisRun<EventPayloads['run.status']>((p) => {
    const d = detail.value
    if (d && statusAdvances(d.status, p.status)) detail.value = { ...d, status: p.status, error: p.error }
    // Results, artifacts and the final log arrive with the final status: fetch them.
    if (isTerminal(p.status)) void fetchDetail(p.runId, generation).catch(() => {})
  })

  const onLog = forThisRun<EventPayloads['run.log']>((p) => {
    const d = detail.value
    if (!d) return
    const entry = { at: new Date().toISOString(), level: p.level, message: p.message }
    detail.value = { ...d, logs: [...d.logs, entry] }
  })

  /** Shows run `id`: loads it and follows its events until `close()`. */
  function open(id: number): Promise<void> {
    if (runId.value === id && detail.value) return load()
    close()
    runId.value = id
    unsubscribes = [
      lab.subscribe('run.metric', onMetric),
      lab.subscribe('run.progress', onProgress),
      lab.subscribe('run.status', onStatus),
      lab.subscribe('run.log', onLog),
      useConnectionStore().onReconnect(() => void load()),
    ]
    return load()
  }

  function close(): void {
    for (const unsubscribe of unsubscribes) unsubscribe()
    unsubscribes = []
    generation++
    pending = null
    runId.value = null
    detail.value = null
    series.value = new Map()
    error.value = null
    loading.value = false
  }

  async function cancel(): Promise<void> {
    const id = runId.value
    if (id === null) return
    cancelling.value = true
    try {
      const result = await lab.call('runs.cancel', { id })
      const d = detail.value
      if (d && d.id === result.id && statusAdvances(d.status, result.status)) detail.value = { ...d, status: result.status }
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      cancelling.value = false
    }
  }

  return { runId, detail, series, metricKeys, loading, error, cancelling, open, close, load, cancel }
})
