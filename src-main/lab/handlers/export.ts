/** Exporting tables: the comparison table of a selection, or any table the window shows, as CSV, Markdown, LaTeX or JSON. */
import { LabError, type ExportFormat } from '../../../src-shared/contract'
import type { ResultTable } from '../../../src-shared/types'
import { EXPORT_EXTENSION, EXPORT_MIME, renderTable } from '../analysis/export-formats'
import { matrixOf } from '../analysis/matrix'
import { compareTable } from '../analysis/tables'
import type { DomainContext, DomainHandlers } from './context'
import { selectedRuns } from './selection'

type ExportMethod = 'export.table' | 'export.render' | 'export.matrix'

/** The rendered file: content, MIME type and a file name `compression-lab-<stem>.<ext>`. */
function exported(
  table: ResultTable,
  format: ExportFormat,
  stem: string,
): { format: ExportFormat; content: string; mime: string; filename: string } {
  return {
    format,
    content: renderTable(table, format),
    mime: EXPORT_MIME[format],
    filename: `compression-lab-${stem}.${EXPORT_EXTENSION[format]}`,
  }
}

export function exportHandlers(ctx: DomainContext): DomainHandlers<ExportMethod> {
  return {
    'export.table': ({ format, ...selection }) => {
      const stem = selection.runIds
        ? 'runs'
        : selection.experimentId !== undefined
          ? `experiment-${selection.experimentId}`
          : 'all-runs'
      return exported(compareTable(selectedRuns(ctx, selection)), format, stem)
    },
    'export.render': ({ table, format, name }) => {
      const stem = (name ?? 'table').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'table'
      return exported(table, format, stem)
    },
    'export.matrix': ({ kind, metric, columns, format, ...selection }) => {
      // CSV and JSON are for further processing: numbers in their own columns; md/LaTeX read as text.
      const cells = format === 'csv' || format === 'json' ? 'numbers' : 'text'
      const runs = selectedRuns(ctx, selection)
      let table: ResultTable
      try {
        table = matrixOf(kind, runs, { metric, columns, cells })
      } catch (e) {
        throw new LabError('invalid_input', (e as Error).message)
      }
      return exported(table, format, `matrix-${kind}`)
    },
  }
}
