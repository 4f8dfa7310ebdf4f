/** `complab doctor`: what the engine can use here and how to fix what is missing. */
import { doctorReport } from '../../lab/engine-api'
import type { CommandContext } from '../context'

export async function doctorCommand(ctx: CommandContext): Promise<number> {
  const report = await doctorReport()
  if (ctx.options.json) {
    ctx.out(JSON.stringify(report, null, 2))
    return 0
  }
  ctx.out(`backend in use: ${report.backend}`)
  for (const c of report.checks) {
    ctx.out(`${c.ok ? ' ok ' : ' -- '} ${c.name}: ${c.detail}`)
    if (!c.ok && c.fix) ctx.out(`      fix: ${c.fix}`)
  }
  return 0
}
