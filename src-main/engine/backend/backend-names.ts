/** The TF.js backends the lab can run on, best first (DESIGN §4 `backend`). */
export const BACKEND_NAMES = ['webgpu', 'tensorflow', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]

/** Environment variable that overrides the automatic choice (a backend name, or `auto`). */
export const BACKEND_ENV = 'COMPLAB_BACKEND'

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name)
}
