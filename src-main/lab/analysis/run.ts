/**
 * The one run shape every table of the lab's analysis reads (runs table, compare sheet, pivot,
 * Pareto, matrices): a run's identity, its flattened parameters, its final results and the runs
 * it refers to. Each table takes the fields it needs (`Pick`), so tests can build light runs; the
 * handlers load full ones once (`handlers/selection.ts`).
 */
import type { RunStatus } from '../../../src-shared/types'

export interface AnalysisRun {
  id: number
  experimentId: number
  experimentName: string
  label: string
  role: string
  method: string
  seed: number
  status: RunStatus
  /** Every resolved parameter, flattened to dotted keys (`method.temperature`, `model.hidden`). */
  params: Record<string, unknown>
  /** Final scalars (`test.accuracy`, `params`, …), keys from the metric registry. */
  results: Record<string, number>
  /** The run whose model taught this one (distillation), if it is a run of the lab. */
  teacherRunId: number | null
  /** The unpruned run this one was pruned from. */
  parentRunId: number | null
}
