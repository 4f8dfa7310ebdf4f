/** Contract methods that write tables as files: CSV, Markdown, LaTeX, JSON. */
import { z } from 'zod'
import { runSelection } from './common'

export const EXPORT_FORMATS = ['csv', 'md', 'latex', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

const cell = z.union([z.string().max(100_000), z.number(), z.null()])
/** A table as the UI shows it, for `export.render` (at most 20,000 rows of 200 columns). */
const resultTableInput = z
  .object({
    columns: z.array(z.object({ key: z.string().max(200), label: z.string().max(500) }).strict()).min(1).max(200),
    rows: z.array(z.record(z.string().max(200), cell)).max(20_000),
  })
  .strict()

export const exportInputs = {
  'export.table': runSelection.extend({ format: z.enum(EXPORT_FORMATS).default('csv') }).strict(),
  'export.render': z
    .object({
      table: resultTableInput,
      format: z.enum(EXPORT_FORMATS).default('csv'),
      /** File name stem, e.g. `pivot-method.temperature`. */
      name: z.string().max(100).optional(),
    })
    .strict(),
} as const

type ExportedFile = { format: ExportFormat; content: string; mime: string; filename: string }

export interface ExportOutputs {
  'export.table': ExportedFile
  'export.render': ExportedFile
}
