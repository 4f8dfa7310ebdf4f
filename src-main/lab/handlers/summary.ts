/**
 * `runs.summary`: one run's compression summary, built by `analysis/compression-summary.ts` from runs
 * loaded once; `runs.studentGains`: the runs table's gain over the student alone (`analysis/gains.ts`).
 */
import { compressionSummary } from '../analysis/compression-summary'
import { studentGains } from '../analysis/gains'
import type { DomainContext, DomainHandlers } from './context'
import { runsWithRelatives, selectedRuns } from './selection'

export function summaryHandlers(ctx: DomainContext): DomainHandlers<'runs.summary' | 'runs.studentGains'> {
  return {
    'runs.summary': ({ id }) => {
      const { runs, context } = runsWithRelatives(ctx, { runIds: [id] })
      const run = runs[0]
      // The seeds of its configuration, and the students alone of its launch.
      const siblings = selectedRuns(ctx, { experimentId: run.experimentId })
      return compressionSummary(run, { related: context, siblings, layers: ctx.store.outputs.layers(id) })
    },
    // Students and the students alone they are paired with, across experiments (a baseline of
    // another launch counts when the student's own has none).
    'runs.studentGains': ({ experimentId }) => {
      const students = selectedRuns(ctx, { experimentId, roles: ['student'] })
      const baselines = students.length ? selectedRuns(ctx, { roles: ['baseline'] }) : []
      return { gains: studentGains([...students, ...baselines]) }
    },
  }
}
