/**
 * The Runs view's first request, started while the page is parsed — before the main bundle has
 * been fetched, compiled and run — so the newest runs are in when the app mounts and its first
 * frame already has them (the first-paint target of DESIGN §10). Browser mode on `#/runs` only:
 * inside Electron the preload's bridge answers at once, and other views do not need it. The build
 * makes it a classic script of its own in the page's head (`earlyRunsRequest` in
 * electron.vite.config.ts; a module script would wait for the whole document and run with the
 * bundle); the runs store takes the answer once (`takeFirstRunsPage`) or makes the call itself.
 */
import { FIRST_RUNS_INPUT } from './first-runs'

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
