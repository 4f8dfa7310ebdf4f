/**
 * The run shown on the run page: its detail (`runs.get`) and metric series (`runs.metrics`),
 * kept live by `run.metric`, `run.progress`, `run.status` and `run.log` for that run only, and
 * the preview images a detection run saved (`artifacts.preview`, fetched once each).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EventPayloads, LayerPhaseReport, PreviewImage } from '../../src-shared/contract'
import type { MetricSeries, RunDetail } from '../../src-shared/types'
import { lab } from '../api/client'
import { fromBase64, saveFiles } from '../platform/files'
import { useConnectionStore } from './connection'
import { mergePoints, type Points } from './metric-points'
import { isTerminal, statusAdvances } from './run-status'

/** How many preview images the run page shows (a run may save more). */
export const PREVIEWS_SHOWN = 8

export const useRunDetailStore = defineStore('run-detail', () => {
  const runId = ref<number | null>(null)
  const detail = shallowRef<RunDetail | null>(null)
  const series = shallowRef<Map<string, Points>>(new Map())
  const loading = ref(false)
  const error = ref<string | null>(null)
  const cancelling = ref(false)
  const layers = shallowRef<LayerPhaseReport[]>([])
  const saving = ref(false)
  const previews = shallowRef<PreviewImage[]>([])
  const previewError = ref<string | null>(null)

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
    if (gen !== generation) return
    detail.value = d
    void loadPreviews(d, gen)
  }

  /** The run's first preview images (those not fetched yet); a failure is shown, not thrown. */
  async function loadPreviews(d: RunDetail, gen: number): Promise<void> {
    const have = new Set(previews.value.map((p) => p.id))
    const wanted = d.artifacts.filter((a) => a.kind === 'preview').slice(0, PREVIEWS_SHOWN)
    const missing = wanted.filter((a) => !have.has(a.id))
    if (!missing.length) return
    try {
      const fetched = await Promise.all(missing.map((a) => lab.call('artifacts.preview', { runId: d.id, id: a.id })))
      if (gen !== generation) return
      const byId = new Map([...previews.value, ...fetched].map((p) => [p.id, p]))
      previews.value = wanted.flatMap((a) => byId.get(a.id) ?? [])
      previewError.value = null
    } catch (e) {
      if (gen === generation) previewError.value = (e as Error).message
    }
  }

  async function load(): Promise<void> {
    const id = runId.value
    if (id === null) return
    const gen = ++generation
    pending = []
    loading.value = true
    try {
      const [d, metrics, l] = await Promise.all([lab.call('runs.get', { id }), lab.call('runs.metrics', { id }), lab.call('runs.layers', { id })])
      if (gen !== generation) return
      detail.value = d
      layers.value = l
      series.value = new Map(metrics.map((s: MetricSeries) => [s.key, s.points]))
      error.value = null
      void loadPreviews(d, gen)
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
    // Results, artifacts, layer reports and the final log arrive with the final status: fetch them.
    if (isTerminal(p.status)) {
      const gen = generation
      void fetchDetail(p.runId, gen).catch(() => {})
      void lab
        .call('runs.layers', { id: p.runId })
        .then((l) => {
          if (gen === generation) layers.value = l
        })
        .catch(() => {})
    }
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
    layers.value = []
    previews.value = []
    previewError.value = null
    error.value = null
    loading.value = false
  }

  async function saveNote(body: string): Promise<void> {
    const d = detail.value
    if (!d) return
    const r = await lab.call('runs.note', { id: d.id, body })
    if (detail.value?.id === r.id) detail.value = { ...detail.value, notes: r.note }
  }

  async function setTags(add: string[], remove: string[]): Promise<void> {
    const d = detail.value
    if (!d) return
    const { tags } = await lab.call('runs.tag', { ids: [d.id], add, remove })
    if (detail.value?.id === d.id) detail.value = { ...detail.value, tags: tags[0]?.tags ?? [] }
  }

  /** "Save model as…": every file of the run's saved model (model.json and its weights). */
  async function saveModel(): Promise<string | null> {
    const d = detail.value
    if (!d) return null
    const files = d.artifacts.filter((a) => a.kind === 'model')
    if (!files.length) return null
    saving.value = true
    try {
      const read = await Promise.all(files.map((a) => lab.call('artifacts.read', { id: a.id })))
      return await saveFiles(
        `Save the model of run ${d.id}`,
        read.map((f) => ({ name: f.name, mime: f.mime, data: fromBase64(f.base64) })),
      )
    } finally {
      saving.value = false
    }
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

  return { runId, detail, series, metricKeys, layers, previews, previewError, loading, error, cancelling, saving, open, close, load, cancel, saveNote, setTags, saveModel }
})
