/** `complab export-model <run> --format tfjs|onnx --out DIR`: a run's model, written for deployment. */
import { resolve } from 'node:path'
import { MODEL_EXPORT_FORMATS, type ModelExportFormat } from '../../../src-shared/contract'
import { openLab, stringOption, UsageError, type CommandContext } from '../context'

export async function exportModelCommand(ctx: CommandContext): Promise<number> {
  const [run, ...extra] = ctx.args
  if (run === undefined || !/^\d+$/.test(run) || Number(run) < 1 || extra.length) throw new UsageError('usage: complab export-model <run id> --format tfjs|onnx --out DIR')
  const format = stringOption(ctx, 'format')
  if (format === undefined || !(MODEL_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${MODEL_EXPORT_FORMATS.join(', ')}${format ? `, got '${format}'` : ''}`)
  }
  const out = stringOption(ctx, 'out')
  if (!out) throw new UsageError('--out DIR: the folder to write the model into')
  const lab = await openLab(ctx, false)
  try {
    // On the command line a relative folder is the shell's, not the data folder's.
    const done = await lab.call('models.export', { runId: Number(run), format: format as ModelExportFormat, out: resolve(out) })
    for (const f of done.files) ctx.out(`wrote ${f.path} (${f.bytes.toLocaleString('en-US')} bytes)`)
    for (const note of done.notes) ctx.err(`note: ${note}`)
    return 0
  } finally {
    await lab.stop()
  }
}
