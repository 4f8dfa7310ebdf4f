/** Contract methods of what the lab offers: datasets, architectures, imported models, the system. */
import { z } from 'zod'
import type { DatasetInfo, ModelArchInfo, SystemInfo } from '../types'

/** Largest file `models.import` accepts, after base64 decoding. */
export const MAX_IMPORT_FILE_BYTES = 64 * 1024 * 1024

export const catalogInputs = {
  'datasets.list': z.object({}).strict(),
  'models.list': z.object({}).strict(),
  'system.info': z.object({}).strict(),
  'models.import': z
    .object({
      files: z
        .array(
          z
            .object({
              name: z.string().min(1).max(255),
              base64: z.string().max(Math.ceil(MAX_IMPORT_FILE_BYTES / 3) * 4),
            })
            .strict(),
        )
        .min(1)
        .max(32),
    })
    .strict(),
} as const

export interface CatalogOutputs {
  'datasets.list': DatasetInfo[]
  'models.list': ModelArchInfo[]
  'system.info': SystemInfo
  'models.import': { path: string; files: string[] }
}
