/**
 * Every configuration of a sweep over seeds (issue 4: "every configuration over several seeds,
 * compared as mean ± std"; issue 18 item 8): one row per role and run label without its seed, with
 * the mean ± std over seeds of the metric and of the test errors, and the paired difference to
 * what the configuration is measured against — a distilled student against the student alone of
 * the same seed and architecture, a pruned run against its unpruned parent (the parent's result
 * it records) — with its 95 % interval by Student's t and whether it includes zero (METHODS.md S1).
 * Compression stages (prune → quantize) are listed side by side in lineage order, with the
 * figures against the chain's original model (`stage-lineage.ts`, issue 19 item 1).
 */
import { kindOf, metricHeader } from '../../../src-shared/stat-format'
import { meanStd, pairedDifference, type SeedPair } from '../../../src-shared/stats'
import type { ResultTable } from '../../../src-shared/types'
import { configurationLabel } from './configuration-label'
import { baselineFinder } from './gains'
import { defaultMetric, differenceCells, differenceColumns, statOf, type MatrixOptions, type MatrixRun, type Row } from './matrix-cells'
import { modelIdentity, modelName } from './model-names'
import { lineageColumns, stageLineage } from './stage-lineage'

interface Group {
  role: string
  name: string
  values: number[]
  errors: number[]
  against: string | null
  pairs: SeedPair[]
  extra: number[][]
  /** In a chain of stages: its place (the smallest of its runs'), its method and the configuration it came from. */
  depth: number
  stage: string | null
  from: string | null
}

/** See the file comment. Throws when no finished run has the metric. */
export function seedSummary(runs: readonly MatrixRun[], options: MatrixOptions = {}): ResultTable {
  const metric = options.metric ?? defaultMetric(runs)
  const finished = runs.filter((r) => r.status === 'finished' && Number.isFinite(r.results[metric]))
  if (!finished.length) throw new Error(`no finished runs with ${metric} among the selected runs`)
  // A chain of stages (prune → quantize) shows them side by side, in lineage order (`stage-lineage.ts`).
  const lineage = stageLineage(finished, metric)
  const extra = [...(options.columns ?? []), ...(lineage ? lineageColumns(metric).filter((k) => !options.columns?.includes(k)) : [])]
  const baselineOf = baselineFinder(finished)
  const manyBaselines = new Set(finished.filter((r) => r.role === 'baseline').map((r) => modelIdentity(r.params))).size > 1
  const nameOf = (r: MatrixRun): string => {
    // Students alone of several architectures (a grid over the student) are told apart by model.
    // A plain run's label is only its seed: name it by its model and training length instead.
    const plain =
      configurationLabel(r.label ?? `run #${r.id}`) ||
      `${modelName(r.params)}${r.params['training.epochs'] !== undefined ? `, ${String(r.params['training.epochs'])} epochs` : ''}`
    return r.role === 'baseline' && manyBaselines && !plain.includes(modelName(r.params)) ? `${plain} (${modelName(r.params)})` : plain
  }
  const groups = new Map<string, Group>()
  for (const r of finished) {
    const name = nameOf(r)
    const key = `${r.role}\u0000${name}`
    const stage = lineage?.get(r.id)
    const g = groups.get(key) ?? { role: r.role, name, values: [], errors: [], against: null, pairs: [], extra: extra.map(() => []), depth: stage?.depth ?? 0, stage: stage?.stage ?? null, from: stage?.from ? nameOf(stage.from) : null }
    if (stage) g.depth = Math.min(g.depth, stage.depth)
    const results = stage?.results ?? r.results
    g.values.push(r.results[metric])
    extra.forEach((k, i) => {
      if (Number.isFinite(results[k])) g.extra[i].push(results[k])
    })
    if (Number.isFinite(r.results['test.errors'])) g.errors.push(r.results['test.errors'])
    const baseline = r.role === 'student' ? baselineOf(r) : undefined
    const parentValue = r.role === 'pruned' ? r.results[`parent.${metric}`] : undefined
    if (baseline && Number.isFinite(baseline.results[metric])) {
      g.against = 'student alone'
      g.pairs.push({ seed: r.seed, variant: r.results[metric], baseline: baseline.results[metric] })
    } else if (parentValue !== undefined && Number.isFinite(parentValue)) {
      g.against = 'parent'
      g.pairs.push({ seed: r.seed, variant: r.results[metric], baseline: parentValue })
    }
    groups.set(key, g)
  }
  const text = (options.cells ?? 'text') === 'text'
  const kind = kindOf(metric)
  const columns: ResultTable['columns'] = [
    { key: 'role', label: 'role' },
    { key: 'configuration', label: 'configuration' },
    ...(lineage
      ? [
          { key: 'stage', label: 'stage' },
          { key: 'from', label: 'from' },
        ]
      : []),
    { key: 'seeds', label: 'seeds' },
    ...(text
      ? [
          { key: 'metric', label: metricHeader(metric) },
          { key: 'errors', label: 'test errors' },
        ]
      : [
          { key: 'mean', label: `${metric} mean` },
          { key: 'std', label: `${metric} std` },
          { key: 'errors.mean', label: 'test.errors mean' },
          { key: 'errors.std', label: 'test.errors std' },
        ]),
    { key: 'against', label: 'against' },
    ...differenceColumns(metric, text),
    ...extra.flatMap((k) =>
      text
        ? [{ key: `x.${k}`, label: metricHeader(k) }]
        : [
            { key: `x.${k}.mean`, label: `${k} mean` },
            { key: `x.${k}.std`, label: `${k} std` },
          ],
    ),
  ]
  // Stages in lineage order: the original models first, each stage after the one it came from.
  const ordered = lineage ? [...groups.values()].sort((a, b) => a.depth - b.depth) : [...groups.values()]
  const rows = ordered.map((g) => {
    const v = meanStd(g.values)
    const e = meanStd(g.errors)
    const row: Row = { role: g.role, configuration: g.name, ...(lineage ? { stage: `${g.depth + 1} ${g.stage}`, from: g.from } : {}), seeds: v.n, against: g.against }
    Object.assign(row, g.pairs.length ? differenceCells(metric, pairedDifference(g.pairs), text) : {})
    if (text) {
      row.metric = statOf(kind, v)
      row.errors = e.mean === null ? null : e.std === null ? e.mean.toFixed(1) : `${e.mean.toFixed(1)} ± ${e.std.toFixed(1)}`
      extra.forEach((k, i) => {
        row[`x.${k}`] = statOf(kindOf(k), meanStd(g.extra[i]))
      })
    } else {
      Object.assign(row, { mean: v.mean, std: v.std, 'errors.mean': e.mean, 'errors.std': e.std })
      extra.forEach((k, i) => {
        const x = meanStd(g.extra[i])
        row[`x.${k}.mean`] = x.mean
        row[`x.${k}.std`] = x.std
      })
    }
    return row
  })
  // Detection runs have no test errors, plain runs nothing to be measured against: such columns go when empty.
  const withErrors = [...groups.values()].some((g) => g.errors.length > 0)
  const withDifference = [...groups.values()].some((g) => g.pairs.length > 0)
  const differenceKeys = new Set(['against', ...differenceColumns(metric, text).map((c) => c.key)])
  const shown = columns.filter((c) => (withErrors || !c.key.startsWith('errors')) && (withDifference || !differenceKeys.has(c.key)))
  return { columns: shown, rows }
}
