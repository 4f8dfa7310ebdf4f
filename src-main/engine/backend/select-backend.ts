import * as tf from '@tensorflow/tfjs'
import { loadTensorflowBackend, loadWasmBackend, type LoadOutcome } from './backend-loaders'
import { BACKEND_ENV, BACKEND_NAMES, type BackendName, isBackendName } from './backend-names'

async function makeAvailable(name: BackendName): Promise<LoadOutcome> {
  if (name === 'tensorflow') return loadTensorflowBackend()
  if (name === 'wasm') return loadWasmBackend()
  return { ok: true, detail: 'pure JavaScript' }
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    // tf.setBackend resolves false (and logs) when the backend's initialisation fails.
    return await tf.setBackend(name)
  } catch {
    return false
  }
}

/**
 * Chooses and activates the TF.js backend: the one asked for (argument, else the environment
 * variable COMPLAB_BACKEND), or the best available (tensorflow → wasm → cpu). Asking for an unknown
 * or unavailable backend is an error that says why. Returns the active backend's name.
 */
export async function selectBackend(preferred?: string): Promise<string> {
  // The umbrella package's "install tfjs-node" banner and debug checks are noise in a worker.
  if (!tf.env().getBool('PROD')) tf.enableProdMode()
  const asked = (preferred ?? process.env[BACKEND_ENV] ?? '').trim().toLowerCase()
  if (asked && asked !== 'auto') {
    const source = preferred !== undefined ? 'requested' : `${BACKEND_ENV}=${asked}`
    if (!isBackendName(asked)) {
      throw new Error(`unknown backend "${asked}" (${source}); choose one of ${BACKEND_NAMES.join(', ')}, or auto`)
    }
    const outcome = await makeAvailable(asked)
    if (!outcome.ok) throw new Error(`backend "${asked}" is not available (${source}): ${outcome.detail}`)
    if (!(await activate(asked))) throw new Error(`backend "${asked}" failed to initialise (${source})`)
    return tf.getBackend()
  }
  for (const name of BACKEND_NAMES) {
    const outcome = await makeAvailable(name)
    if (outcome.ok && (await activate(name))) return tf.getBackend()
  }
  throw new Error('no TF.js backend could be initialised (not even cpu)')
}
