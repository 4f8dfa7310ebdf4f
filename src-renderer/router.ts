/**
 * A tiny hash router: `#/runs`, `#/runs/12`, `#/system`. Hash routes need no server rewrites,
 * work from file:// in Electron, and never trigger a navigation the window would block.
 */
import { readonly, ref, type DeepReadonly, type Ref } from 'vue'

export type Route =
  | { name: 'runs' }
  | { name: 'run'; id: number }
  | { name: 'system' }
  | { name: 'not-found'; path: string }

/** Parses the part after `#`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/runs'
  const parts = path.split('/').filter(Boolean)
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'runs')) return { name: 'runs' }
  if (parts.length === 2 && parts[0] === 'runs' && /^\d+$/.test(parts[1])) return { name: 'run', id: Number(parts[1]) }
  if (parts.length === 1 && parts[0] === 'system') return { name: 'system' }
  return { name: 'not-found', path }
}

/** The `href` of a route. */
export function routeHref(route: Route): string {
  switch (route.name) {
    case 'runs':
      return '#/runs'
    case 'run':
      return `#/runs/${route.id}`
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
