/**
 * `models.export`: a run's saved model written out for deployment. The output folder is the one
 * path this method takes; a lab serving a browser confines it to the data folder the way it
 * confines a spec's paths (`path-rules.ts`). The export itself is the engine's, loaded on use (it
 * brings TensorFlow.js and ONNX Runtime into the lab process only when a user exports).
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { LabError, type MethodOutputs, type MethodParsedInput } from '../../src-shared/contract'
import type { Store } from '../store/index'
import { confinedPathProblem } from './path-rules'

export async function exportRunModel(
  ctx: { store: Store; dataDir: string; confinePaths?: boolean },
  input: MethodParsedInput<'models.export'>,
): Promise<MethodOutputs['models.export']> {
  const { runId, format, out } = input
  if (ctx.confinePaths) {
    const problem = confinedPathProblem(ctx.dataDir, out)
    if (problem) throw new LabError('unauthorized', `export folder ${JSON.stringify(out)} ${problem}`)
  }
  const run = ctx.store.runs.get(runId)
  if (!run) throw new LabError('not_found', `run #${runId} does not exist`)
  const model = ctx.store.outputs.modelArtifact(runId)
  if (!model) throw new LabError('not_found', `run #${runId} has no saved model (status ${run.status})`)
  const q = ctx.store.outputs.artifacts(runId).find((a) => a.kind === 'quantization')
  let quantization = null
  try {
    quantization = q ? JSON.parse(readFileSync(resolve(ctx.dataDir, q.path), 'utf8')) : null
  } catch (e) {
    throw new LabError('not_found', `run #${runId}'s quantization parameters cannot be read: ${(e as Error).message}`)
  }
  const { exportModelFiles } = await import('../engine/export/export-model')
  try {
    const done = await exportModelFiles({ modelJsonPath: resolve(ctx.dataDir, model.path), quantization, format, outDir: resolve(ctx.dataDir, out) })
    return { files: done.files.map((f) => ({ path: f.path, bytes: f.bytes })), notes: done.notes }
  } catch (e) {
    throw new LabError('invalid_input', `run #${runId} cannot be exported to ${format}: ${(e as Error).message.split('\n')[0]}`)
  }
}
