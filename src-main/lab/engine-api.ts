/**
 * What the Lab process uses of the engine. The launch-time checks and the catalogs are tf-free,
 * so they are imported directly from their modules (the engine's index also re-exports
 * `executeRun`, which loads TensorFlow.js: the Lab process must not pay for that). `doctor`
 * probes the backends, so it is loaded only when asked for.
 */
import type { DoctorReport } from '../../src-shared/types'

export { checkRunConfig } from '../engine/validate'
export { listDatasets } from '../engine/data/catalog'
export { listModelArchs } from '../engine/models/catalog'

/** The engine's environment report (loads the backend probes on first use). */
export async function doctorReport(): Promise<DoctorReport> {
  const { doctor } = await import('../engine/backend/doctor')
  return await doctor()
}
