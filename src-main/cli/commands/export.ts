/** `complab export`: a result table as CSV, Markdown, LaTeX or JSON, to stdout or a file. */
import { writeFile } from 'node:fs/promises'
import { idList, intOption, openLab, stringOption, UsageError, type CommandContext } from '../context'
import { EXPORT_FORMATS, type ExportFormat } from '../../../src-shared/contract'

export async function exportCommand(ctx: CommandContext): Promise<number> {
  const format = stringOption(ctx, 'format') ?? 'csv'
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format '${format}' is not one of ${EXPORT_FORMATS.join(', ')}`)
  }
  const runIds = idList(ctx, 'runs')
  const experimentId = stringOption(ctx, 'experiment') !== undefined ? intOption(ctx, 'experiment', 1) : undefined
  const lab = await openLab(ctx, false)
  try {
    const table = await lab.call('export.table', { runIds, experimentId, format: format as ExportFormat })
    const out = stringOption(ctx, 'out')
    if (out) {
      try {
        await writeFile(out, table.content)
      } catch (e) {
        throw new UsageError(`cannot write ${out}: ${(e as Error).message}`)
      }
      ctx.err(`wrote ${out}`)
    } else {
      ctx.out(table.content)
    }
    return 0
  } finally {
    await lab.stop()
  }
}
