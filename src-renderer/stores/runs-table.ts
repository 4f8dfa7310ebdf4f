/**
 * The runs table as the user left it: filter, sort, group-by, columns and the selection. Kept in a
 * store so a trip to Compare and back finds the table as it was. Derived lists are computed once
 * per change, in stages (sorted → filtered → grouped), so typing in the filter does not re-sort
 * 10,000 rows.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { RUN_STATUSES, type RunStatus } from '../../src-shared/types'
import { listOf, type ViewState } from '../url-state'
import { BASE_COLUMNS, DEFAULT_COLUMNS, columnOf, filterRuns, groupRuns, hasDetectionRuns, hasStudentRuns, sortRuns, withDetectionColumn, withGainColumn, type ColumnId } from '../views/runs-model'
import { hasCompressionRuns, withCompressionColumns } from '../views/compression-columns'
import { useRunsStore } from './runs'
import { useRunsQuery } from './runs-query'

/** A column id as the address may carry it: a fixed column, `result:KEY` or `param:KEY`. */
function isColumnId(text: string | undefined): text is ColumnId {
  if (!text) return false
  return BASE_COLUMNS.some((c) => c.id === text) || /^(result|param):[\w.-]+$/.test(text)
}

export const useRunsTableStore = defineStore('runs-table', () => {
  const runs = useRunsStore()
  const text = ref('')
  const statuses = ref<RunStatus[]>([])
  const experimentId = ref<number | null>(null)
  const sortColumn = ref<ColumnId>('id')
  const direction = ref<'asc' | 'desc'>('desc')
  const groupBy = ref<ColumnId | null>(null)
  const collapsed = shallowRef<ReadonlySet<string>>(new Set())
  const columnIds = ref<ColumnId[]>([...DEFAULT_COLUMNS])
  const selected = shallowRef<ReadonlySet<number>>(new Set())
  /** The last row clicked, for shift-click ranges. */
  let anchor: number | null = null

  const columns = computed(() => columnIds.value.map(columnOf))
  // Detection runs bring their headline figure: the test mAP column is added once, when the first
  // such run is listed (removing it afterwards keeps it removed); then the rows are no longer scanned.
  let detectionColumnAdded = false
  let stopWatching: (() => void) | null = null
  function offerDetectionColumn(present: boolean): void {
    if (!present || detectionColumnAdded) return
    detectionColumnAdded = true
    columnIds.value = withDetectionColumn(columnIds.value, runs.rows)
    stopWatching?.()
  }
  stopWatching = watch(() => hasDetectionRuns(runs.rows), offerDetectionColumn)
  offerDetectionColumn(hasDetectionRuns(runs.rows))
  /**
   * Adds columns once, when the rows first have what they are about (a user who removes them
   * afterwards keeps them removed); the returned function gives up on adding them.
   */
  function columnsOnce(present: () => boolean, add: (ids: readonly ColumnId[]) => ColumnId[]): () => void {
    let done = false
    const stop = watch(
      present,
      (has) => {
        if (!has || done) return
        done = true
        columnIds.value = add(columnIds.value)
        queueMicrotask(() => stop())
      },
      { immediate: true },
    )
    return () => {
      done = true
      queueMicrotask(() => stop())
    }
  }
  // Pruned runs bring their compression figures the same way (issue 18 item 7), distilled students
  // their gain over the student alone.
  const skipCompressionColumns = columnsOnce(
    () => hasCompressionRuns(runs.rows),
    (ids) => withCompressionColumns(ids, runs.rows),
  )
  // Runs sent to remote workers bring the worker column (worker and attempt; issue 17 item 7).
  columnsOnce(
    () => runs.rows.some((r) => r.attempt !== undefined),
    (ids) => (ids.includes('worker') ? [...ids] : [...ids, 'worker']),
  )
  const skipGainColumn = columnsOnce(() => hasStudentRuns(runs.rows), withGainColumn)
  const sorted = computed(() => sortRuns(runs.rows, sortColumn.value, direction.value, runs.lookups))
  // A structured query (`test.accuracy > 0.97`) is run by the lab; words are matched here.
  const query = useRunsQuery(text, experimentId)
  const visible = computed(() =>
    filterRuns(sorted.value, {
      text: query.mode.value === 'text' ? text.value : '',
      statuses: statuses.value,
      experimentId: experimentId.value,
      ids: query.mode.value === 'query' ? query.ids.value : null,
    }),
  )
  const items = computed(() => groupRuns(visible.value, groupBy.value, runs.lookups, collapsed.value))
  const selectedIds = computed(() => (selected.value.size ? runs.rows.filter((r) => selected.value.has(r.id)).map((r) => r.id) : []))

  function needParam(id: ColumnId | null): void {
    if (id?.startsWith('param:')) runs.ensureParam(id.slice(6))
  }

  function sortBy(column: ColumnId): void {
    if (sortColumn.value === column) direction.value = direction.value === 'asc' ? 'desc' : 'asc'
    else {
      sortColumn.value = column
      direction.value = column === 'id' || column.startsWith('result:') ? 'desc' : 'asc'
    }
    needParam(column)
  }

  function setGroupBy(column: ColumnId | null): void {
    groupBy.value = column
    collapsed.value = new Set()
    needParam(column)
  }

  function toggleGroup(key: string): void {
    const next = new Set(collapsed.value)
    if (next.has(key)) next.delete(key)
    else next.add(key)
    collapsed.value = next
  }

  function addColumn(id: ColumnId): void {
    if (!columnIds.value.includes(id)) columnIds.value = [...columnIds.value, id]
    needParam(id)
  }

  function removeColumn(id: ColumnId): void {
    columnIds.value = columnIds.value.filter((c) => c !== id)
  }

  /** Click on a row's checkbox: toggles it, or with shift the range from the last one clicked. */
  function toggle(id: number, range = false): void {
    const next = new Set(selected.value)
    // The order on screen: grouped, and without the rows of folded groups.
    const order = items.value.flatMap((item) => (item.kind === 'run' ? [item.run.id] : []))
    if (range && anchor !== null && order.includes(anchor) && order.includes(id)) {
      const [a, b] = [order.indexOf(anchor), order.indexOf(id)].sort((x, y) => x - y)
      const on = !selected.value.has(id)
      for (const rid of order.slice(a, b + 1)) {
        if (on) next.add(rid)
        else next.delete(rid)
      }
    } else if (next.has(id)) next.delete(id)
    else next.add(id)
    anchor = id
    selected.value = next
  }

  function selectAllVisible(on: boolean): void {
    const next = new Set(selected.value)
    for (const r of visible.value) {
      if (on) next.add(r.id)
      else next.delete(r.id)
    }
    selected.value = next
  }

  function clearSelection(): void {
    selected.value = new Set()
    anchor = null
  }

  /** Drops ids that no longer exist (deleted runs). */
  function pruneSelection(): void {
    const ids = new Set(runs.rows.map((r) => r.id))
    if ([...selected.value].some((id) => !ids.has(id))) selected.value = new Set([...selected.value].filter((id) => ids.has(id)))
  }

  /** The table as query values (`q`, `status`, `sort`, `dir`, `group`, `cols`), defaults left out. */
  function viewState(): ViewState {
    const sorted = sortColumn.value !== 'id' || direction.value !== 'desc'
    return {
      q: text.value || undefined,
      status: statuses.value.join(',') || undefined,
      sort: sorted ? sortColumn.value : undefined,
      dir: sorted ? direction.value : undefined,
      group: groupBy.value ?? undefined,
      cols: columnIds.value.join(',') === DEFAULT_COLUMNS.join(',') ? undefined : columnIds.value.join(','),
    }
  }

  /** Sets the table from query values (as `viewState` writes them; unknown values are ignored). */
  function applyViewState(state: ViewState): void {
    text.value = state.q ?? ''
    statuses.value = listOf(state.status).filter((s): s is RunStatus => (RUN_STATUSES as readonly string[]).includes(s))
    const sort = isColumnId(state.sort) ? state.sort : 'id'
    sortColumn.value = sort
    direction.value = state.dir === 'asc' || state.dir === 'desc' ? state.dir : 'desc'
    if ((groupBy.value ?? undefined) !== state.group) setGroupBy(isColumnId(state.group) ? state.group : null)
    const cols = listOf(state.cols).filter(isColumnId)
    columnIds.value = cols.length ? [...new Set(cols)] : [...DEFAULT_COLUMNS]
    // Columns named by the address are the ones wanted: detection runs do not add theirs then.
    if (cols.length) {
      detectionColumnAdded = true
      stopWatching?.()
      skipCompressionColumns()
      skipGainColumn()
    }
    for (const id of [sort, ...columnIds.value]) needParam(id)
  }

  return {
    viewState,
    applyViewState,
    text,
    /** `text`, `query` or `error`: how the filter box is read. */
    queryMode: query.mode,
    queryError: query.error,
    queryNote: query.note,
    statuses,
    experimentId,
    sortColumn,
    direction,
    groupBy,
    collapsed,
    columnIds,
    columns,
    selected,
    selectedIds,
    visible,
    items,
    sortBy,
    setGroupBy,
    toggleGroup,
    addColumn,
    removeColumn,
    toggle,
    selectAllVisible,
    clearSelection,
    pruneSelection,
  }
})
