/**
 * The runs filter box read as a structured query when it is one (issue 18 item 13):
 * `test.accuracy > 0.97 and method.criterion in taylor,l1` is parsed here (to tell a query from
 * words and to say what is wrong at once), then run by the lab (`runs.list` with `where`, ids
 * only), and the table keeps the runs whose ids come back. Words (`seed 3`, `sweep-42`) stay a
 * text filter in the page, as fast as before; so does text whose "keys" name nothing the lab
 * knows (`lr=0.01` in a label), with a note saying so.
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { filterKeys, FilterSyntaxError, isRunFilterField, looksLikeQuery, parseFilter } from '../../src-shared/filter-query'
import { lab } from '../api/client'
import { useRunsStore } from './runs'

export type FilterMode = 'text' | 'query' | 'error'

/** How long typing must pause before the lab is asked. */
const QUERY_DELAY_MS = 120

export interface RunsQuery {
  mode: Readonly<Ref<FilterMode>>
  /** Ids of the runs the query matches; null until the lab has answered (or in text mode). */
  ids: Readonly<Ref<ReadonlySet<number> | null>>
  /** What is wrong with the query (syntax, or the lab's refusal). */
  error: Readonly<Ref<string | null>>
  /** A remark that is not an error (the text is read as words, and why). */
  note: Readonly<Ref<string | null>>
}

/** Follows `text` (the filter box) and `experimentId`; for the runs-table store. */
export function useRunsQuery(text: Ref<string>, experimentId: Ref<number | null>): RunsQuery {
  const runs = useRunsStore()
  const ids = shallowRef<ReadonlySet<number> | null>(null)
  const error = ref<string | null>(null)
  const note = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let asked = 0

  /** Results the loaded runs have, and the parameter keys of the lab. */
  const knownKeys = computed(() => {
    const keys = new Set(runs.paramKeys.map((k) => k.key))
    for (const r of runs.rows.slice(0, 2000)) for (const k of Object.keys(r.results)) keys.add(k)
    return keys
  })

  const parsed = computed((): { mode: FilterMode; error?: string; note?: string } => {
    const q = text.value.trim()
    if (!q || !looksLikeQuery(q)) return { mode: 'text' }
    let keys: string[]
    try {
      keys = filterKeys(parseFilter(q))
    } catch (e) {
      if (e instanceof FilterSyntaxError) return { mode: 'error', error: e.message }
      throw e
    }
    const unknown = keys.filter((k) => !isRunFilterField(k) && !knownKeys.value.has(k))
    // Until the parameter keys have arrived every key would read as unknown: wait for them.
    if (unknown.length && runs.paramKeys.length) {
      return { mode: 'text', note: `No run has ${unknown.map((k) => `'${k}'`).join(' or ')}: matching the text instead.` }
    }
    return { mode: 'query' }
  })
  const mode = computed(() => parsed.value.mode)

  async function ask(): Promise<void> {
    const mine = ++asked
    try {
      const result = await lab.call('runs.list', {
        where: text.value.trim(),
        idsOnly: true,
        sort: 'id',
        direction: 'desc',
        limit: 100_000,
        ...(experimentId.value !== null ? { experimentId: experimentId.value } : {}),
      })
      if (mine !== asked) return
      ids.value = new Set(result.ids ?? [])
      error.value = null
    } catch (e) {
      if (mine !== asked) return
      ids.value = null
      error.value = (e as Error).message.replace(/^filter: /, '')
    }
  }

  /** Asks after `delay`; `restart` false leaves a pending ask as it is (a stream of row updates throttles, not postpones). */
  function schedule(delay = QUERY_DELAY_MS, restart = true): void {
    if (!restart && timer !== undefined) return
    clearTimeout(timer)
    timer = undefined
    if (mode.value !== 'query') {
      asked++
      ids.value = null
      return
    }
    timer = setTimeout(() => {
      timer = undefined
      void ask()
    }, delay)
  }

  watch([() => text.value.trim(), mode, experimentId], () => schedule())
  // New runs, finished runs and changed tags may match (or stop matching): ask again.
  watch(
    () => runs.rows,
    () => {
      if (mode.value === 'query') schedule(400, false)
    },
  )
  watch(
    parsed,
    (p) => {
      note.value = p.note ?? null
      if (p.mode !== 'query') error.value = p.error ?? null
    },
    { immediate: true },
  )
  if (mode.value === 'query') schedule(0)

  return { mode, ids, error, note }
}
