/**
 * Sensitivity analysis (Li et al., ICLR 2017, §3.2 / Fig. 2; METHODS "modern companions"): prune
 * each dependency group ALONE (a plain layer, or every layer coupled with it) at ratios 0.1…0.9
 * by one criterion, evaluate, and report a row per (group, ratio). Scores are computed once on the unpruned model; every pruned copy is disposed
 * after it is evaluated.
 */
import type * as tf from '@tensorflow/tfjs'
import { scoreGroups, type GroupReduction } from './group-scores'
import type { ImportanceContext, ImportanceScorer } from './importance/types'
import { selectPerLayer } from './select'
import { analyzeStructure, prunableLayer } from './structure'
import { parameterCount, removeUnits } from './surgery'

/** One evaluated (layer, ratio) pair. */
export interface SensitivityRow {
  layer: string
  ratio: number
  /** Units removed from the layer (floor(ratio·units), never all of them). */
  removed: number
  params: number
  metric: number
}

/** Options of the sensitivity analysis. */
export interface SensitivityOptions {
  model: tf.LayersModel
  scorer: ImportanceScorer
  /** Everything a scorer needs besides the model (data, loss, seed). */
  context?: Omit<ImportanceContext, 'model' | 'structure' | 'layers'>
  evaluate: (model: tf.LayersModel) => Promise<number>
  /** Ratios to try, in the order given (default 0.1, 0.2, …, 0.9). */
  ratios?: number[]
  /** Groups to analyse (default: every group). */
  layers?: string[]
  groupReduction?: GroupReduction
  /** Called after each row, e.g. to report progress. */
  onRow?: (row: SensitivityRow) => void
}

/** The default ratios 0.1…0.9. */
export const SENSITIVITY_RATIOS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]

/** Prunes each layer alone at each ratio; returns the unpruned metric and rows ordered by layer, then ratio. */
export async function sensitivityAnalysis(
  options: SensitivityOptions,
): Promise<{ baseline: number; rows: SensitivityRow[] }> {
  const { model, evaluate } = options
  const structure = analyzeStructure(model)
  const layers = (options.layers ?? structure.prunable.map((p) => p.name)).map((name) =>
    prunableLayer(structure, name),
  )
  const scores = await scoreGroups(
    options.scorer,
    { ...options.context, model, structure, layers: layers.map((l) => l.name) },
    { reduction: options.groupReduction },
  )
  const baseline = await evaluate(model)
  const rows: SensitivityRow[] = []
  for (const layer of layers) {
    const layerScores = new Map([[layer.name, scores.get(layer.name) as Float32Array]])
    for (const ratio of options.ratios ?? SENSITIVITY_RATIOS) {
      const plan = selectPerLayer(layerScores, { ratio })
      const pruned = await removeUnits(model, plan, structure)
      try {
        const row = {
          layer: layer.name,
          ratio,
          removed: plan[layer.name]?.length ?? 0,
          params: parameterCount(pruned),
          metric: await evaluate(pruned),
        }
        rows.push(row)
        options.onRow?.(row)
      } finally {
        pruned.dispose()
      }
    }
  }
  return { baseline, rows }
}
