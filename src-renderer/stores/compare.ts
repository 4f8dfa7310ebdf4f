/**
 * The Compare view: the compare sheet of the chosen runs (`compare.sheet`) and their learning
 * curves for the picked metrics, kept live: pushed points are merged, and the sheet is fetched
 * again when one of the runs ends (its results arrive with its final status).
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { CompareSheet, EventPayloads } from '../../src-shared/contract'
import { lab } from '../api/client'
import { mergePoints, type Points } from './metric-points'
import { isTerminal } from './run-status'

export const useCompareStore = defineStore('compare', () => {
  const ids = ref<number[]>([])
  const sheet = shallowRef<CompareSheet | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const curveKeys = ref<string[]>([])
  /** Run id → metric key → points. */
  const curves = shallowRef<ReadonlyMap<number, ReadonlyMap<string, Points>>>(new Map())
  let unsubscribes: (() => void)[] = []
  let generation = 0

  async function loadSheet(gen: number): Promise<void> {
    const s = await lab.call('compare.sheet', { runIds: ids.value })
    if (gen !== generation) return
    sheet.value = s
    if (!curveKeys.value.length || !curveKeys.value.every((k) => s.metricKeys.includes(k))) {
      const preferred = ['val.accuracy', 'train.accuracy', 'test.mAP', 'train.loss'].find((k) => s.metricKeys.includes(k))
      curveKeys.value = preferred ? [preferred] : s.metricKeys.slice(0, 1)
    }
  }

  async function loadCurves(gen: number): Promise<void> {
    if (!curveKeys.value.length) {
      curves.value = new Map()
      return
    }
    const series = await Promise.all(ids.value.map((id) => lab.call('runs.metrics', { id, keys: curveKeys.value })))
    if (gen !== generation) return
    curves.value = new Map(ids.value.map((id, i) => [id, new Map(series[i].map((s) => [s.key, s.points]))]))
  }

  async function open(runIds: number[]): Promise<void> {
    close()
    ids.value = runIds
    if (!runIds.length) return
    const gen = generation
    const watched = new Set(runIds)
    unsubscribes = [
      lab.subscribe('run.metric', (p: EventPayloads['run.metric']) => {
        if (!watched.has(p.runId)) return
        const wanted = p.points.filter((pt) => curveKeys.value.includes(pt.key))
        if (!wanted.length) return
        const next = new Map(curves.value)
        next.set(p.runId, mergePoints(next.get(p.runId) ?? new Map(), wanted))
        curves.value = next
      }),
      lab.subscribe('run.status', (p: EventPayloads['run.status']) => {
        if (watched.has(p.runId) && isTerminal(p.status)) void loadSheet(generation).catch(() => {})
      }),
    ]
    loading.value = true
    try {
      await loadSheet(gen)
      await loadCurves(gen)
      error.value = null
    } catch (e) {
      if (gen === generation) error.value = (e as Error).message
    } finally {
      if (gen === generation) loading.value = false
    }
  }

  async function pickCurves(keys: string[]): Promise<void> {
    curveKeys.value = keys
    try {
      await loadCurves(generation)
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  function close(): void {
    for (const off of unsubscribes) off()
    unsubscribes = []
    generation++
    sheet.value = null
    curves.value = new Map()
    error.value = null
    loading.value = false
  }

  return { ids, sheet, loading, error, curveKeys, curves, open, close, pickCurves }
})
