/**
 * What the Lab process uses of the engine. The launch-time checks and the catalogs are tf-free,
 * so they are imported directly from their modules (the engine's index also re-exports
 * `executeRun`, which loads TensorFlow.js: the Lab process must not pay for that). `doctor`
 * probes the backends, so it is loaded only when asked for.
 */
import type { DoctorReport } from '../../src-shared/types'

export { checkRunConfig, plannedPrunableLayers } from '../engine/validate'
export { listDatasets } from '../engine/data/catalog'
export { listModelArchs } from '../engine/models/catalog'

/** Why a requested backend cannot run here, in one line, or null (loads the backend on use). */
export async function backendProblem(name: string): Promise<string | null> {
  const { backendProblem: problem } = await import('../engine/backend/select-backend')
  return problem(name)
}

/** The engine's environment report (loads the backend probes on first use). */
export async function doctorReport(): Promise<DoctorReport> {
  const { doctor } = await import('../engine/backend/doctor')
  return await doctor()
}
