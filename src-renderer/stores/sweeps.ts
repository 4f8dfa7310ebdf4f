/**
 * The Sweeps view: a set of runs (an experiment, or runs picked in the table) pivoted by a
 * parameter (× a second one, as a matrix) into results, mean ± std over seeds (`sweeps.pivot`),
 * and the Pareto front of a result against a cost (`sweeps.pareto`). Presets set up the usual
 * compression questions: pruning ratio → accuracy and size, temperature → student accuracy,
 * teacher × student gain.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ParetoResult, PivotResult } from '../../src-shared/contract'
import { isCostMetric } from '../../src-shared/metrics'
import type { ExperimentSummary, ResultTable } from '../../src-shared/types'
import { lab } from '../api/client'
import { idList, positiveId } from '../router'
import { listOf, type ViewState } from '../url-state'
import { useRunsStore } from './runs'

const PRESETS = ['pruning', 'temperature', 'teacher-student'] as const
export type PresetName = (typeof PRESETS)[number]
const DEFAULT_METRICS = ['test.accuracy']

const RATIO_KEYS = ['method.target.ratio', 'method.ratio', 'method.finalSparsity', 'method.target.params', 'method.target.macs', 'method.target.units']

/** The quality figure a pivot starts with: test accuracy, or test mAP for detection runs. */
function headlineOf(metrics: readonly string[]): string | undefined {
  return ['test.accuracy', 'test.mAP'].find((m) => metrics.includes(m))
}

export const useSweepsStore = defineStore('sweeps', () => {
  const runsStore = useRunsStore()
  const experiments = shallowRef<ExperimentSummary[]>([])
  const experimentId = ref<number | null>(null)
  const runIds = ref<number[]>([])
  const roles = ref<string[]>([])
  const rows = ref<string | null>(null)
  const columns = ref<string | null>(null)
  const metrics = ref<string[]>([...DEFAULT_METRICS])
  const pivot = shallowRef<PivotResult | null>(null)
  const pareto = shallowRef<ParetoResult | null>(null)
  /** The preset last applied; `teacher-student` also shows the lab's teacher × student matrix. */
  const preset = ref<PresetName | null>(null)
  const matrix = shallowRef<ResultTable | null>(null)
  /** Why these runs make no matrix (no distillation runs, several configurations in one cell). */
  const matrixReason = ref<string | null>(null)
  /** The source's compression stages side by side (prune → quantize), as `complab export --matrix seeds` writes them; null without a chain. */
  const stages = shallowRef<ResultTable | null>(null)
  const paretoX = ref('params')
  const paretoY = ref('test.accuracy')
  const loading = ref(false)
  const error = ref<string | null>(null)
  let sourceChosen = false
  let generation = 0

  const selection = computed(() => ({
    ...(runIds.value.length ? { runIds: runIds.value } : experimentId.value !== null ? { experimentId: experimentId.value } : {}),
    ...(roles.value.length ? { roles: roles.value } : {}),
  }))
  /** True when a run of the runs table is one of those pivoted. */
  const inSource = (r: { id: number; experimentId: number }): boolean =>
    runIds.value.length ? runIds.value.includes(r.id) : experimentId.value === null || r.experimentId === experimentId.value
  /** The roles of the runs pivoted, from the runs table's rows (none before they are loaded). */
  const sourceRoles = computed(() => [...new Set(runsStore.rows.filter(inSource).map((r) => r.role))].sort())
  const available = computed(() => pivot.value?.available ?? { params: [], metrics: [] })
  const costMetrics = computed(() => available.value.metrics.filter(isCostMetric))

  async function loadExperiments(): Promise<void> {
    try {
      experiments.value = await lab.call('experiments.list', {})
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  /**
   * Pivots with the current settings (first choosing a row parameter and metrics if none fit).
   * Only the latest call applies what it gets: one started before a preset (or another choice)
   * must not overwrite the preset's table when its answer comes last.
   */
  async function refresh(): Promise<void> {
    const gen = ++generation
    const stale = (): boolean => gen !== generation
    loading.value = true
    try {
      // The row parameter asked for is tried as it is (a constant one is a single row, which is
      // still a table); when no run has it, the most sweep-like parameter is chosen instead.
      let rowKey = rows.value ?? 'seed'
      let result = await lab.call('sweeps.pivot', { ...selection.value, rows: rowKey, columns: columns.value ?? undefined, metrics: metrics.value.length ? metrics.value : ['test.accuracy'] })
      if (stale()) return
      const params = result.available.params.map((p) => p.key)
      if (rows.value === null || result.rowValues.length === 0) {
        rowKey = [...RATIO_KEYS, 'method.temperature'].find((k) => params.includes(k)) ?? params.find((k) => !['seed', 'role', 'experiment', 'method.teacher', 'method.parent', 'teacher', 'student'].includes(k)) ?? 'seed'
        rows.value = rowKey
      }
      if (columns.value !== null && result.columnValues.length === 0) columns.value = null
      const wanted = metrics.value.filter((m) => result.available.metrics.includes(m))
      if (!wanted.length && result.available.metrics.length) wanted.push(headlineOf(result.available.metrics) ?? result.available.metrics[0])
      const changed = rowKey !== result.rows || (columns.value ?? null) !== result.columns || wanted.join() !== result.metrics.join()
      if (changed && wanted.length) {
        result = await lab.call('sweeps.pivot', { ...selection.value, rows: rowKey, columns: columns.value ?? undefined, metrics: wanted })
        if (stale()) return
      }
      metrics.value = wanted
      pivot.value = result
      if (!result.available.metrics.includes(paretoX.value)) paretoX.value = costMetrics.value[0] ?? paretoX.value
      if (!result.available.metrics.includes(paretoY.value)) paretoY.value = headlineOf(result.available.metrics) ?? paretoY.value
      const front = await lab.call('sweeps.pareto', { ...selection.value, x: paretoX.value, y: paretoY.value })
      if (stale()) return
      pareto.value = front
      await refreshMatrix()
      error.value = null
    } catch (e) {
      if (!stale()) error.value = (e as Error).message
    } finally {
      if (!stale()) loading.value = false
    }
  }

  /**
   * The teacher × student matrix of the source (every role: it needs the teachers and baselines
   * too), and its stages when it holds a quantize run (one is looked for once the runs are loaded).
   */
  async function refreshMatrix(): Promise<void> {
    matrix.value = null
    matrixReason.value = null
    const source = runIds.value.length ? { runIds: runIds.value } : experimentId.value !== null ? { experimentId: experimentId.value } : {}
    if (runsStore.loaded && !runsStore.rows.some((r) => r.method === 'quantize' && inSource(r))) stages.value = null
    else {
      try {
        const { table } = await lab.call('compare.matrix', { ...source, kind: 'seeds' })
        stages.value = table?.columns.some((c) => c.key === 'stage') ? table : null
      } catch {
        stages.value = null
      }
    }
    if (preset.value !== 'teacher-student') return
    try {
      const { table, reason } = await lab.call('compare.matrix', { ...source, kind: 'teacher-student' })
      matrix.value = table
      matrixReason.value = reason
    } catch (e) {
      matrixReason.value = (e as Error).message
    }
  }

  /**
   * Pivots another set of runs (`experimentId` null: every run; left out: the experiment
   * pivoted last, or the latest one). The roles filtered on (by a preset) that none of the new
   * runs has are dropped: they would leave nothing to pivot.
   */
  function useSource(source: { experimentId?: number | null; ids?: number[] }): Promise<void> {
    const ids = source.ids ?? []
    const latest = experiments.value[experiments.value.length - 1]?.id ?? null
    const experiment = ids.length ? null : source.experimentId === undefined ? (sourceChosen && !runIds.value.length ? experimentId.value : latest) : source.experimentId
    sourceChosen = true
    const changed = ids.join() !== runIds.value.join() || experiment !== experimentId.value
    runIds.value = ids
    experimentId.value = experiment
    if (changed) {
      const kept = roles.value.filter((r) => sourceRoles.value.includes(r))
      if (kept.length !== roles.value.length) {
        roles.value = kept
        preset.value = null
      }
    }
    return refresh()
  }

  async function applyPreset(name: PresetName): Promise<void> {
    preset.value = name
    columns.value = null
    if (name === 'pruning') {
      roles.value = ['pruned']
      rows.value = null
      metrics.value = ['test.accuracy', 'params', 'macs', 'kept.params', 'gain.test.accuracy']
      paretoX.value = 'params'
    } else if (name === 'temperature') {
      roles.value = ['student']
      rows.value = 'method.temperature'
      metrics.value = ['test.accuracy', 'gain.test.accuracy']
    } else {
      // The teacher and the student by name, as the lab's matrix reads them (any architecture).
      roles.value = ['student']
      rows.value = 'teacher'
      columns.value = 'student'
      metrics.value = ['gain.test.accuracy', 'test.accuracy']
    }
    await refresh()
    // Latency, where the runs measured it, belongs with the pruning table.
    if (name === 'pruning') {
      const latency = available.value.metrics.filter((m) => /^latency\.(cpu\.)?ms$/.test(m))
      if (latency.length) {
        metrics.value = [...metrics.value, ...latency].slice(0, 8)
        await refresh()
      }
    }
  }

  /** The pivot as query values (source, preset, roles, rows, cols, metrics, Pareto x and y). */
  function viewState(): ViewState {
    const list = (xs: readonly string[]): string | undefined => xs.join(',') || undefined
    return {
      ids: list(runIds.value.map(String)),
      experiment: runIds.value.length ? undefined : experimentId.value === null ? 'all' : String(experimentId.value),
      preset: preset.value ?? undefined,
      roles: list(roles.value),
      rows: rows.value ?? undefined,
      cols: columns.value ?? undefined,
      metrics: metrics.value.join(',') === DEFAULT_METRICS.join(',') ? undefined : list(metrics.value),
      x: paretoX.value === 'params' ? undefined : paretoX.value,
      y: paretoY.value === 'test.accuracy' ? undefined : paretoY.value,
    }
  }

  /** Pivots as the query values say (keys left out: their defaults; no source: the latest experiment). */
  function applyViewState(state: ViewState): Promise<void> {
    preset.value = PRESETS.find((p) => p === state.preset) ?? null
    roles.value = listOf(state.roles)
    rows.value = state.rows ?? null
    columns.value = state.cols ?? null
    metrics.value = listOf(state.metrics).slice(0, 8)
    if (!metrics.value.length) metrics.value = [...DEFAULT_METRICS]
    paretoX.value = state.x ?? 'params'
    paretoY.value = state.y ?? 'test.accuracy'
    runIds.value = idList(state.ids)
    const latest = experiments.value[experiments.value.length - 1]?.id ?? null
    experimentId.value = runIds.value.length || state.experiment === 'all' ? null : (positiveId(state.experiment) ?? latest)
    sourceChosen = true
    return refresh()
  }

  /** True once a source was chosen (by the address or the user). */
  function hasSource(): boolean {
    return sourceChosen
  }

  return {
    viewState,
    applyViewState,
    hasSource,
    experiments,
    experimentId,
    runIds,
    roles,
    rows,
    columns,
    metrics,
    pivot,
    pareto,
    preset,
    matrix,
    matrixReason,
    stages,
    paretoX,
    paretoY,
    loading,
    error,
    available,
    sourceRoles,
    costMetrics,
    loadExperiments,
    refresh,
    useSource,
    applyPreset,
  }
})
