/**
 * A tiny hash router: `#/launch`, `#/runs`, `#/runs/12`, `#/compare?ids=3,4`, `#/sweeps?experiment=2`,
 * `#/system`. Hash routes need no server rewrites, work from file:// in Electron, and never
 * trigger a navigation the window would block.
 */
import { readonly, ref, type DeepReadonly, type Ref } from 'vue'

export type Route =
  | { name: 'launch' }
  | { name: 'runs'; experimentId?: number }
  | { name: 'run'; id: number }
  | { name: 'compare'; ids: number[] }
  | { name: 'sweeps'; ids: number[]; experimentId?: number }
  | { name: 'system' }
  | { name: 'not-found'; path: string }

function idList(text: string | null): number[] {
  if (!text) return []
  return [...new Set(text.split(',').filter((s) => /^\d+$/.test(s)).map(Number))].filter((n) => n > 0)
}

function positive(text: string | null): number | undefined {
  return text && /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined
}

/** Parses the part after `#`. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/runs'
  const q = raw.indexOf('?')
  const path = q < 0 ? raw : raw.slice(0, q)
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))
  const parts = path.split('/').filter(Boolean)
  const one = parts.length === 1 ? parts[0] : null
  if (parts.length === 0 || one === 'runs') return { name: 'runs', experimentId: positive(query.get('experiment')) }
  if (parts.length === 2 && parts[0] === 'runs' && /^\d+$/.test(parts[1])) return { name: 'run', id: Number(parts[1]) }
  if (one === 'launch') return { name: 'launch' }
  if (one === 'compare') return { name: 'compare', ids: idList(query.get('ids')) }
  if (one === 'sweeps') return { name: 'sweeps', ids: idList(query.get('ids')), experimentId: positive(query.get('experiment')) }
  if (one === 'system') return { name: 'system' }
  return { name: 'not-found', path: raw }
}

/** The `href` of a route. */
export function routeHref(route: Route): string {
  switch (route.name) {
    case 'launch':
      return '#/launch'
    case 'runs':
      return route.experimentId ? `#/runs?experiment=${route.experimentId}` : '#/runs'
    case 'run':
      return `#/runs/${route.id}`
    case 'compare':
      return route.ids.length ? `#/compare?ids=${route.ids.join(',')}` : '#/compare'
    case 'sweeps':
      if (route.ids.length) return `#/sweeps?ids=${route.ids.join(',')}`
      return route.experimentId ? `#/sweeps?experiment=${route.experimentId}` : '#/sweeps'
    case 'system':
      return '#/system'
    case 'not-found':
      return `#${route.path}`
  }
}

const current = ref<Route>(parseRoute(window.location.hash))
window.addEventListener('hashchange', () => {
  current.value = parseRoute(window.location.hash)
})

/** The current route, reactive. */
export function useRoute(): DeepReadonly<Ref<Route>> {
  return readonly(current)
}

/** Goes to `route` (adds a history entry, so Back works). */
export function navigate(route: Route): void {
  window.location.hash = routeHref(route)
}
