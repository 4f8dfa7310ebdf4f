/** Contract methods that write tables as files: CSV, Markdown, LaTeX, JSON. */
import { z } from 'zod'
import { dottedKey, runSelection } from './common'
import { MATRIX_KINDS } from './compare'

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
  /**
   * A matrix of `compare.matrix` as a file, built by the same code for the window and the CLI:
   * Markdown and LaTeX get readable cells (`72.55 ± 0.35`, intervals), CSV and JSON the numbers
   * (mean, std, n, gain, ci_low, ci_high). Runs that make no such matrix: `invalid_input`, saying why.
   */
  'export.matrix': runSelection
    .extend({
      kind: z.enum(MATRIX_KINDS),
      metric: dottedKey.optional(),
      columns: z.array(dottedKey).max(16).optional(),
      format: z.enum(EXPORT_FORMATS).default('csv'),
    })
    .strict(),
} as const

type ExportedFile = { format: ExportFormat; content: string; mime: string; filename: string }

export interface ExportOutputs {
  'export.table': ExportedFile
  'export.render': ExportedFile
  'export.matrix': ExportedFile
}
