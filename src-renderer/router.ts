/**
 * Addresses of the window, on `vue-router` with hash history (`#/runs?experiment=3`): hash routes
 * need no server rewrites, work from file:// in Electron, and never trigger a navigation the
 * window would block. Each view keeps its state in the query (see `url-state.ts`), so a link
 * reopens the same table. The route records (with their components) are in `routes.ts`; this file
 * only names the routes and moves between them, so views can import it without a cycle.
 */
import {
  createRouter,
  createWebHashHistory,
  type LocationQuery,
  type LocationQueryRaw,
  type RouteRecordRaw,
  type Router,
} from 'vue-router'

export type Route =
  | { name: 'launch' }
  | { name: 'runs'; experimentId?: number }
  | { name: 'experiments' }
  | { name: 'run'; id: number }
  | { name: 'compare'; ids: number[] }
  | { name: 'sweeps'; ids: number[]; experimentId?: number }
  | { name: 'system' }

/** A comma list of positive ids in a query value (`3,4`), duplicates and junk dropped. */
export function idList(text: unknown): number[] {
  if (typeof text !== 'string' || !text) return []
  return [...new Set(text.split(',').filter((s) => /^\d+$/.test(s)).map(Number))].filter((n) => n > 0)
}

/** A positive id in a query value, or undefined. */
export function positiveId(text: unknown): number | undefined {
  return typeof text === 'string' && /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined
}

/** One query value as text (the first of a repeated key), or undefined. */
export function queryText(query: LocationQuery, key: string): string | undefined {
  const v = query[key]
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : undefined
}

/** The path and query of a route. */
export function routeLocation(route: Route): { path: string; query: LocationQueryRaw } {
  switch (route.name) {
    case 'runs':
      return { path: '/runs', query: route.experimentId ? { experiment: String(route.experimentId) } : {} }
    case 'run':
      return { path: `/runs/${route.id}`, query: {} }
    case 'compare':
      return { path: '/compare', query: route.ids.length ? { ids: route.ids.join(',') } : {} }
    case 'sweeps':
      if (route.ids.length) return { path: '/sweeps', query: { ids: route.ids.join(',') } }
      return { path: '/sweeps', query: route.experimentId ? { experiment: String(route.experimentId) } : {} }
    default:
      return { path: `/${route.name}`, query: {} }
  }
}

let router: Router | null = null

/** Creates the window's router over these route records (once, at start-up: `main.ts`). */
export function createLabRouter(routes: RouteRecordRaw[]): Router {
  router = createRouter({ history: createWebHashHistory(), routes })
  return router
}

function current(): Router {
  if (!router) throw new Error('the router is created in main.ts before any view is shown')
  return router
}

/** The `href` of a route (`#/runs/12`). */
export function routeHref(route: Route): string {
  return current().resolve(routeLocation(route)).href
}

/** Goes to `route` (adds a history entry, so Back works). */
export function navigate(route: Route): void {
  void current().push(routeLocation(route))
}
