/** `runs.summary`: one run's compression summary, built by `analysis/compression-summary.ts` from runs loaded once. */
import { compressionSummary } from '../analysis/compression-summary'
import type { DomainContext, DomainHandlers } from './context'
import { runsWithRelatives, selectedRuns } from './selection'

export function summaryHandlers(ctx: DomainContext): DomainHandlers<'runs.summary'> {
  return {
    'runs.summary': ({ id }) => {
      const { runs, context } = runsWithRelatives(ctx, { runIds: [id] })
      const run = runs[0]
      // The seeds of its configuration, and the students alone of its launch.
      const siblings = selectedRuns(ctx, { experimentId: run.experimentId })
      return compressionSummary(run, { related: context, siblings, layers: ctx.store.outputs.layers(id) })
    },
  }
}
