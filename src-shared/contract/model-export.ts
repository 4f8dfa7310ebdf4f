/** Contract method of a run's model exported for deployment (ONNX or TF.js layers). */
import { z } from 'zod'
import { id } from './common'

export const MODEL_EXPORT_FORMATS = ['tfjs', 'onnx'] as const
export type ModelExportFormat = (typeof MODEL_EXPORT_FORMATS)[number]

export const modelExportInputs = {
  /**
   * Writes run `runId`'s model into folder `out` (relative paths resolve in the lab's data
   * folder; a lab serving a browser refuses any path that leaves it).
   */
  'models.export': z.object({ runId: id, format: z.enum(MODEL_EXPORT_FORMATS), out: z.string().min(1).max(4096) }).strict(),
} as const

export interface ModelExportOutputs {
  /** The files written (absolute paths) and what the export changed (re-quantization, …). */
  'models.export': { files: { path: string; bytes: number }[]; notes: string[] }
}
