/**
 * Method `sensitivity`: sensitivity analysis (Li et al., ICLR 2017, §3.2 / Fig. 2; METHODS "modern
 * companions"): each prunable layer of the parent ALONE pruned at each ratio by one criterion,
 * evaluated on the test split without fine-tuning. Stored three ways: a metric series per layer
 * (`sensitivity.<layer>`, step = ratio in percent, value = test accuracy) for the chart, one result
 * per (layer, ratio) (`sensitivity.<layer>@<ratio>`) for the comparison table and exports, and the
 * whole table as a CSV artifact (`sensitivity.csv`). No model is produced, so none is saved.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { sensitivityAnalysis, type SensitivityRow } from '../prune/sensitivity'
import { evaluateOnTest, type MethodExecutor } from './context'
import { atomicWrite } from '../models/file-io-handler'
import {
  checkCriterion,
  loadParent,
  parentStructure,
  pruneScorer,
  reportParent,
  scoringBatches,
  scoringLoss,
  yieldToEventLoop,
} from './prune-common'

type SensitivityMethod = Extract<RunMethod, { kind: 'sensitivity' }>

/** The table as CSV: one line per (layer, ratio). */
export function sensitivityCsv(baseline: number, rows: readonly (SensitivityRow & { units: number })[]): string {
  const lines = ['layer,units,ratio,removed,params,test.accuracy,accuracy.change']
  for (const r of rows) {
    lines.push([r.layer, r.units, r.ratio, r.removed, r.params, r.metric, r.metric - baseline].join(','))
  }
  return lines.join('\n') + '\n'
}

export const executeSensitivity: MethodExecutor<SensitivityMethod> = async (ctx) => {
  const { config, sink, job } = ctx
  const m = config.method
  const scorer = pruneScorer(m.criterion)
  const parent = await loadParent(ctx)
  try {
    const structure = parentStructure(ctx, parent)
    checkCriterion(ctx, m.criterion, structure.prunable)
    const ratios = [...new Set(m.ratios)].sort((a, b) => a - b)
    const before = await reportParent(ctx, parent)
    const units = new Map(structure.prunable.map((p) => [p.name, p.units]))
    const total = structure.prunable.length * ratios.length
    sink.log(
      'info',
      `sensitivity (${m.criterion}): ${structure.prunable.length} layers × ${ratios.length} ratios, each layer pruned alone, no fine-tuning`,
    )
    let done = 0
    const started = performance.now()
    const { baseline, rows } = await sensitivityAnalysis({
      model: parent,
      scorer,
      context: { data: scoringBatches(ctx, config.seed), loss: scoringLoss, seed: config.seed },
      evaluate: async (model) => {
        return (await evaluateOnTest(ctx, model)).accuracy
      },
      ratios,
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
    const csv = new TextEncoder().encode(sensitivityCsv(baseline, table))
    mkdirSync(job.artifactDir, { recursive: true })
    const path = join(job.artifactDir, 'sensitivity.csv')
    sink.artifact({ kind: 'table', ...atomicWrite(path, csv) })
    const results: Record<string, number> = {
      'test.accuracy': baseline,
      'test.loss': before.loss,
      'test.errors': before.errors,
      params: before.params,
      macs: before.macs,
      'parent.test.accuracy': before.accuracy,
      'parent.params': before.params,
      'parent.macs': before.macs,
      'sensitivity.layers': structure.prunable.length,
      'sensitivity.ratios': ratios.length,
    }
    for (const r of rows) results[`sensitivity.${r.layer}@${r.ratio}`] = r.metric
    sink.result(results)
    // The most sensitive layer: the largest accuracy loss at the largest ratio.
    const last = rows.filter((r) => r.ratio === ratios[ratios.length - 1]).sort((a, b) => a.metric - b.metric)
    sink.log(
      'info',
      `done: ${rows.length} evaluations; at ratio ${ratios[ratios.length - 1]}: ` +
        last.map((r) => `${r.layer} ${((r.metric - baseline) * 100).toFixed(1)} points`).join(', '),
    )
  } finally {
    parent.dispose()
  }
}
