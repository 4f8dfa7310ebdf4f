/** `complab export`: a result table as CSV, Markdown, LaTeX or JSON, to stdout or a file. */
import { writeFile } from 'node:fs/promises'
import { idList, intOption, openLab, stringOption, UsageError, type CommandContext } from '../context'
import { EXPORT_FORMATS, MATRIX_KINDS, type ExportFormat, type MatrixKind } from '../../../src-shared/contract'

export async function exportCommand(ctx: CommandContext): Promise<number> {
  const format = stringOption(ctx, 'format') ?? 'csv'
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format '${format}' is not one of ${EXPORT_FORMATS.join(', ')}`)
  }
  const matrix = stringOption(ctx, 'matrix')
  if (matrix !== undefined && !(MATRIX_KINDS as readonly string[]).includes(matrix)) {
    throw new UsageError(`--matrix '${matrix}' is not one of ${MATRIX_KINDS.join(', ')}`)
  }
  if (!matrix && (stringOption(ctx, 'metric') !== undefined || stringOption(ctx, 'columns') !== undefined)) {
    throw new UsageError('--metric and --columns go with --matrix')
  }
  const runIds = idList(ctx, 'runs')
  const experimentId = stringOption(ctx, 'experiment') !== undefined ? intOption(ctx, 'experiment', 1) : undefined
  const lab = await openLab(ctx, false)
  try {
    // A matrix is rendered by the lab's `export.matrix`, the method the window's export uses too.
    const content = matrix
      ? (
          await lab.call('export.matrix', {
            runIds,
            experimentId,
            kind: matrix as MatrixKind,
            format: format as ExportFormat,
            metric: stringOption(ctx, 'metric'),
            columns: stringOption(ctx, 'columns')?.split(',').map((s) => s.trim()).filter(Boolean),
          })
        ).content
      : (await lab.call('export.table', { runIds, experimentId, format: format as ExportFormat })).content
    const out = stringOption(ctx, 'out')
    if (out) {
      try {
        await writeFile(out, content)
      } catch (e) {
        throw new UsageError(`cannot write ${out}: ${(e as Error).message}`)
      }
      ctx.err(`wrote ${out}`)
    } else {
      ctx.out(content)
    }
    return 0
  } finally {
    await lab.stop()
  }
}
