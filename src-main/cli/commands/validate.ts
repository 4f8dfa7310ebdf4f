/** `complab validate <spec.json>`: the runs a spec would launch, or every problem in it. */
import { openLab, type CommandContext } from '../context'
import { readSpecFile } from '../spec-file'
import type { ValidateResult } from '../../../src-shared/contract'

export function printIssues(ctx: CommandContext, file: string, result: ValidateResult): void {
  ctx.err(`error: invalid spec ${file}: ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}`)
  for (const issue of result.issues) ctx.err(`  ${issue.path}: ${issue.message}`)
}

export async function validateCommand(ctx: CommandContext): Promise<number> {
  const file = ctx.args[0]
  const spec = await readSpecFile(file)
  const lab = await openLab(ctx, false)
  try {
    const result = await lab.call('experiments.validate', { spec })
    if (!result.valid) {
      printIssues(ctx, file, result)
      return 2
    }
    ctx.out(`${file}: valid, ${result.runCount} run${result.runCount === 1 ? '' : 's'}`)
    for (const r of result.runs) ctx.out(`  ${r.key.padEnd(12)} ${r.role.padEnd(9)} ${r.label}`)
    return 0
  } finally {
    await lab.stop()
  }
}
