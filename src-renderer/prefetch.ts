/**
 * The Runs view's first request, started as soon as the page is parsed — before the main bundle
 * has been compiled and run — so the newest runs are on their way while the app starts (the
 * first-paint target of DESIGN §10). Browser mode on `#/runs` only: inside Electron the preload's
 * bridge answers at once, and other views do not need it. It imports nothing, so it is a chunk of
 * its own; the runs store takes the answer once (`takeFirstRunsPage`) or makes the call itself.
 * The input must stay the store's first-page input.
 */
export const FIRST_RUNS_INPUT = { sort: 'id', direction: 'desc', limit: 100 } as const

declare global {
  interface Window {
    /** The prefetched `runs.list` envelope (JSON), when this page started one. */
    __complabFirstRuns?: Promise<unknown>
  }
}

function token(): string | null {
  const fromUrl = new URL(window.location.href).searchParams.get('token')
  if (fromUrl) return fromUrl
  try {
    return window.sessionStorage.getItem('complab.token')
  } catch {
    return null
  }
}

const path = (window.location.hash.replace(/^#/, '') || '/runs').split('?')[0]
if (!window.lab && /^\/runs\/?$/.test(path)) {
  const t = token()
  window.__complabFirstRuns = fetch(new URL('api/runs.list', new URL('/', window.location.href)), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(t ? { Authorization: `Bearer ${t}` } : {}) },
    body: JSON.stringify(FIRST_RUNS_INPUT),
    credentials: 'same-origin',
    cache: 'no-store',
  })
    .then((r) => r.json() as Promise<unknown>)
    .catch(() => null)
}
