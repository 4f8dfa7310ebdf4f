/**
 * `complab resume`: runs the database's queue until it is empty (the runs `complab run` left
 * queued, those of a lab that stopped), following each run as `complab run` does, then prints the
 * outcome of every run it ran and exits. Runs a stopped lab left `running` are marked interrupted
 * first, as at every lab's start.
 */
import { openLab, UsageError, type CommandContext } from '../context'
import { followRuns, printOutcome } from '../follow'

export async function resumeCommand(ctx: CommandContext): Promise<number> {
  if (ctx.args.length) throw new UsageError(`resume takes no argument, got '${ctx.args[0]}'`)
  const lab = await openLab(ctx, true)
  // Subscribed before the queue's first run can start (the scheduler looks at it on a later tick).
  const follower = followRuns(ctx, lab)
  try {
    const waiting = await lab.call('runs.list', { status: ['queued', 'running'], limit: 100_000 })
    if (!waiting.total) {
      follower.say(`no queued runs in ${lab.dbPath}`)
      return 0
    }
    follower.say(`resuming ${waiting.total} queued run${waiting.total === 1 ? '' : 's'} of ${lab.dbPath}`)
    follower.follow(waiting.rows)
    await lab.idle()
    if (follower.interrupted) return 130
    follower.close()
    const ids = new Set(waiting.rows.map((r) => r.id))
    // The newest runs first: the queue's runs are among them.
    const { rows } = await lab.call('runs.list', { sort: 'id', direction: 'desc', limit: 100_000 })
    return printOutcome(ctx, rows.filter((r) => ids.has(r.id)).reverse())
  } finally {
    follower.close()
    if (!follower.interrupted) await lab.stop()
  }
}
