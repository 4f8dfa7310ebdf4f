/**
 * The engine's public entry points (DESIGN §4). The worker calls `executeRun`; the Lab calls the
 * cheap, tf-free checks at launch time so a bad spec fails before anything is queued.
 */
export { executeRun } from './run'
export { checkRunConfig } from './validate'
export { listDatasets } from './data/catalog'
export { listModelArchs } from './models/catalog'
export { doctor } from './backend/doctor'
