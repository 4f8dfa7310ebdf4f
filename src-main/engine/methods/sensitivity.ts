/**
 * Method `sensitivity`, for every task: sensitivity analysis (Li et al., ICLR 2017, §3.2 / Fig. 2; METHODS "modern
 * companions"): each prunable layer of the parent ALONE pruned at each ratio by one criterion,
 * evaluated on the test split without fine-tuning. Stored three ways: a metric series per layer
 * (`sensitivity.<layer>`, step = ratio in percent, value = the test metric: accuracy or mAP) for the chart, one result
 * per (layer, ratio) (`sensitivity.<layer>@<ratio>`) for the comparison table and exports, and the
 * whole table as a CSV artifact (`sensitivity.csv`). No model is produced, so none is saved.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { atomicWrite } from '../models/file-io-handler'
import { checkCriterion, pruneScorer } from '../prune/protocol'
import { sensitivityAnalysis, type SensitivityRow } from '../prune/sensitivity'
import { yieldToEventLoop } from '../train/progress-throttle'
import type { MethodExecutor } from './context'
import { criterionBatches, parentStructure, reportParent, withParent } from './pruned-run'

type SensitivityMethod = Extract<RunMethod, { kind: 'sensitivity' }>

/** The table as CSV: one line per (layer, ratio); `metric` names the task's metric (accuracy, mAP). */
export function sensitivityCsv(baseline: number, rows: readonly (SensitivityRow & { units: number })[], metric = 'accuracy'): string {
  const lines = [`layer,units,ratio,removed,params,test.${metric},${metric}.change`]
  for (const r of rows) {
    lines.push([r.layer, r.units, r.ratio, r.removed, r.params, r.metric, r.metric - baseline].join(','))
  }
  return lines.join('\n') + '\n'
}

export const executeSensitivity: MethodExecutor<SensitivityMethod> = async (ctx) => {
  const { config, sink, job } = ctx
  const m = config.method
  const scorer = pruneScorer(m.criterion)
  await withParent(ctx, async (parent, task) => {
    const structure = parentStructure(ctx, parent)
    checkCriterion(m.criterion, structure.prunable, task.modelText(), task.batchNormHint)
    const ratios = [...new Set(m.ratios)].sort((a, b) => a - b)
    const before = await reportParent(ctx, parent)
    const units = new Map(structure.prunable.map((p) => [p.name, p.units]))
    const total = structure.prunable.length * ratios.length
    sink.log(
      'info',
      `sensitivity (${m.criterion}): ${structure.prunable.length} groups × ${ratios.length} ratios, each group pruned alone (every layer coupled with it at once), no fine-tuning`,
    )
    let done = 0
    const started = performance.now()
    const { baseline, rows } = await sensitivityAnalysis({
      model: parent,
      scorer,
      context: { data: criterionBatches(ctx, config.seed), loss: task.scoringLoss, seed: config.seed },
      evaluate: async (model) => (await task.evaluate(model)).metric,
      ratios,
      groupReduction: m.groupReduction,
      onRow: (row) => {
        done++
        sink.metrics([
          { key: `sensitivity.${row.layer}`, step: Math.round(row.ratio * 100), value: row.metric },
          { key: `sensitivity.${row.layer}.params`, step: Math.round(row.ratio * 100), value: row.params },
        ])
        const elapsed = (performance.now() - started) / 1000
        sink.progress({
          phase: 'sensitivity',
          epoch: 0,
          epochs: 0,
          step: done,
          steps: total,
          fraction: done / total,
          etaSeconds: (elapsed / done) * (total - done),
        })
      },
    })
    await yieldToEventLoop()
    const table = rows.map((r) => ({ ...r, units: units.get(r.layer) as number }))
    const csv = new TextEncoder().encode(sensitivityCsv(baseline, table, task.metric))
    mkdirSync(job.artifactDir, { recursive: true })
    const path = join(job.artifactDir, 'sensitivity.csv')
    sink.artifact({ kind: 'table', ...atomicWrite(path, csv) })
    const results: Record<string, number> = {
      ...before.evaluation.results('test'),
      [`test.${task.metric}`]: baseline,
      params: before.params,
      macs: before.macs,
      ...before.evaluation.results('parent.test'),
      'parent.params': before.params,
      'parent.macs': before.macs,
      'sensitivity.layers': structure.prunable.length,
      'sensitivity.ratios': ratios.length,
    }
    for (const r of rows) results[`sensitivity.${r.layer}@${r.ratio}`] = r.metric
    sink.result(results)
    // The most sensitive layer: the largest loss of the metric at the largest ratio.
    const last = rows.filter((r) => r.ratio === ratios[ratios.length - 1]).sort((a, b) => a.metric - b.metric)
    sink.log(
      'info',
      `done: ${rows.length} evaluations; at ratio ${ratios[ratios.length - 1]}: ` +
        last.map((r) => `${r.layer} ${((r.metric - baseline) * 100).toFixed(1)} points`).join(', '),
    )
  })
}
