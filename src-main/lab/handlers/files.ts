/** Files in and out of the lab: a run's artifacts, their preview images, and imported models. */
import { LabError } from '../../../src-shared/contract'
import { importModel, readArtifact } from '../model-files'
import { exportRunModel } from '../model-export'
import { readPreview } from '../previews'
import type { DomainContext, DomainHandlers } from './context'

type FileMethod = 'artifacts.read' | 'artifacts.preview' | 'models.import' | 'models.export'

export function fileHandlers(ctx: DomainContext): DomainHandlers<FileMethod> {
  const { admin, dataDir } = ctx
  return {
    'artifacts.read': ({ id }) => {
      const artifact = admin.artifact(id)
      if (!artifact) throw new LabError('not_found', `artifact #${id} does not exist`)
      return readArtifact(dataDir, artifact)
    },
    'artifacts.preview': ({ runId, id }) => readPreview(dataDir, runId, id, admin.artifact(id)),
    'models.import': ({ files }) => importModel(dataDir, files),
    'models.export': (input) => exportRunModel(ctx, input),
  }
}
