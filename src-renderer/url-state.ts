/**
 * A view's state in its address (issue 18 item 11): the query keys a view owns mirror its store,
 * so a link (or a saved view) reopens the same table. Keys in the address are applied to the
 * store; a change in the store replaces the address once changes pause (no history entry, and no
 * navigation, per keystroke). An address
 * without any of the keys (the navigation bar's plain `#/runs`) keeps the store as the user left
 * it and writes it into the address. Default values are left out of the address.
 */
import { computed, onScopeDispose, watch, type Ref } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'
import { queryText } from './router'

/** Key → text; a key left out (or undefined) has its default value. */
export type ViewState = Record<string, string | undefined>

function defined(state: ViewState): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(state)) if (v !== undefined && v !== '') out[k] = v
  return out
}

function sameState(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k])
}

export interface QueryStateOptions {
  /** The query keys this view owns. */
  keys: readonly string[]
  /** The store's state as query values. */
  read(): ViewState
  /** Applies the address's values to the store (keys left out: their defaults). */
  apply(state: ViewState): void
  /** What an address without any key does before the store's state is written into it. */
  restore?(): void
  /** False while the view cannot apply state yet (its lists are loading). */
  ready?: Ref<boolean>
}

/** Keeps `keys` of the current route's query and the store in step, for the life of the view. */
export function useQueryState(options: QueryStateOptions): void {
  const route = useRoute()
  const router = useRouter()
  const routeName = route.name
  const inUrl = (query: LocationQuery): Record<string, string> =>
    defined(Object.fromEntries(options.keys.map((k) => [k, queryText(query, k)])))
  const inStore = computed(() => defined(options.read()))

  async function write(state: Record<string, string>): Promise<void> {
    if (route.name !== routeName) return
    // A navigation away may be under way (the address already changed, the route not yet): a
    // replace now would cancel it and pull the user back to this view.
    if (router.resolve(router.options.history.location).name !== routeName) return
    const query: Record<string, string | null | (string | null)[]> = { ...route.query }
    for (const k of options.keys) delete query[k]
    await router.replace({ query: { ...query, ...state } })
  }

  watch(
    [() => route.query, () => options.ready?.value ?? true],
    ([query, ready]) => {
      if (!ready || route.name !== routeName) return
      const state = inUrl(query)
      if (sameState(state, inStore.value)) return
      if (Object.keys(state).length) options.apply(state)
      else {
        options.restore?.()
        void write(inStore.value)
      }
    },
    { immediate: true },
  )
  // Typing changes the store at every key: the address follows once the changes pause. (A replace
  // is a same-document navigation: the route and whatever reads it update, and Chromium fetches the
  // favicon again — at every key, that was most of a keystroke's cost in a 10,000-run table.)
  let pending: ReturnType<typeof setTimeout> | undefined
  const flush = (): Promise<void> => {
    clearTimeout(pending)
    unwritten.delete(flush)
    return (options.ready?.value ?? true) && !sameState(inStore.value, inUrl(route.query)) ? write(inStore.value) : Promise.resolve()
  }
  watch(inStore, () => {
    clearTimeout(pending)
    unwritten.add(flush)
    pending = setTimeout(() => void flush(), ADDRESS_DELAY_MS)
  })
  onScopeDispose(() => {
    clearTimeout(pending)
    unwritten.delete(flush)
  })
}

/** The views' changes not yet in the address. */
const unwritten = new Set<() => Promise<void>>()

/** Writes what the views changed into the address now (before reading it: saving a view). */
export async function flushAddress(): Promise<void> {
  await Promise.all([...unwritten].map((flush) => flush()))
}

/** How long the store must stay unchanged before the address is written (ms). */
export const ADDRESS_DELAY_MS = 250

/** A comma list in a query value, empty items dropped. */
export function listOf(text: string | undefined): string[] {
  return text ? text.split(',').filter(Boolean) : []
}
