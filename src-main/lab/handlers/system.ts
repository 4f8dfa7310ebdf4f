/** What the lab can do and where it stands: datasets, model architectures, version, database and backend checks. */
import { doctorReport, listDatasets, listModelArchs } from '../engine-api'
import { labVersion } from '../version'
import type { DomainContext, DomainHandlers } from './context'

type SystemMethod = 'datasets.list' | 'models.list' | 'system.info'

export function systemHandlers(ctx: DomainContext): DomainHandlers<SystemMethod> {
  const { store, dataDir } = ctx
  return {
    'datasets.list': () => listDatasets(),
    'models.list': () => listModelArchs(),
    'system.info': async () => ({
      version: labVersion(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      dbPath: store.path,
      dbBytes: store.sizeBytes(),
      dataDir,
      concurrency: ctx.concurrency,
      doctor: await doctorReport(),
    }),
  }
}
