/**
 * `complab run <spec.json>`: validate, launch, follow every run of this experiment (a line per
 * epoch; a live progress bar on a terminal), then print the results. Only this experiment's runs
 * start: runs queued earlier stay queued for `complab resume` or `complab serve`, and the command
 * says so. Ctrl-C stops the lab: running runs are marked interrupted, nothing written is lost.
 */
import { openLab, type CommandContext } from '../context'
import { followRuns, othersQueuedNote, printOutcome } from '../follow'
import { readSpecFile } from '../spec-file'
import { printIssues } from './validate'

export async function runCommand(ctx: CommandContext): Promise<number> {
  const file = ctx.args[0]
  const spec = await readSpecFile(file)
  const lab = await openLab(ctx, true, { runOnlyLaunched: true })
  const follower = followRuns(ctx, lab)
  try {
    const check = await lab.call('experiments.validate', { spec })
    if (!check.valid) {
      printIssues(ctx, file, check)
      return 2
    }
    // Counted before the launch: nothing else starts or joins the queue while this lab holds it.
    const others = (await lab.call('runs.list', { status: ['queued'], limit: 1 })).total
    const launched = await lab.call('experiments.launch', { spec })
    const listed = await lab.call('runs.list', { experimentId: launched.experimentId, limit: 100_000 })
    const count = launched.runIds.length
    follower.say(`experiment #${launched.experimentId}: ${count} run${count === 1 ? '' : 's'} queued`)
    if (others) follower.say(othersQueuedNote(others))
    follower.follow(listed.rows)
    await lab.idle(launched.experimentId)
    if (follower.interrupted) return 130
    follower.close()
    const { rows } = await lab.call('runs.list', { experimentId: launched.experimentId, limit: 100_000 })
    const code = printOutcome(ctx, rows)
    if (others) ctx.out(othersQueuedNote(others))
    return code
  } finally {
    follower.close()
    if (!follower.interrupted) await lab.stop()
  }
}
