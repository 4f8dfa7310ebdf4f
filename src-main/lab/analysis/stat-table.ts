/**
 * A table of statistics over seeds as people read it (issue 18 item 10): the pivot's numeric
 * columns `<metric>:mean`, `:std`, `:n`, `:ci_low`, `:ci_high` become one `72.55 ± 0.35` cell per
 * metric under a header with its unit (`test.accuracy (%)`), and for a paired difference its
 * `[−0.31, +1.15]` interval and verdict (`not significant with 3 seeds`) — what the window shows.
 * Markdown and LaTeX exports use it; CSV and JSON keep the numbers. Tables without such columns
 * are returned as they are.
 */
import { differenceKind, intervalCell, kindOf, metricHeader, statCell } from '../../../src-shared/stat-format'
import { significanceNote, withSignificance } from '../../../src-shared/stats'
import type { ResultTable } from '../../../src-shared/types'

type Cell = string | number | null
const num = (v: Cell | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** The kind a metric's cells read in: a `gain.<k>` of a percent metric in points. */
function cellKind(metric: string): ReturnType<typeof kindOf> {
  const gain = /^gain\.(.+)$/.exec(metric)
  return gain ? differenceKind(gain[1]) : kindOf(metric)
}

/** See the file comment. */
export function readableStatistics(table: ResultTable): ResultTable {
  const metrics = table.columns.flatMap((c) => {
    const m = /^(.+):mean$/.exec(c.key)
    return m ? [m[1]] : []
  })
  if (!metrics.length) return table
  const columns: ResultTable['columns'] = []
  for (const c of table.columns) {
    const m = /^(.+):(mean|std|n|ci_low|ci_high)$/.exec(c.key)
    if (!m) columns.push(c)
    else if (m[2] === 'mean') columns.push({ key: m[1], label: metricHeader(m[1]) })
    else if (m[2] === 'ci_low') {
      const unit = cellKind(m[1]) === 'points' ? ' (pp)' : ''
      columns.push({ key: `${m[1]}:ci`, label: `${m[1]} 95 % CI${unit}` }, { key: `${m[1]}:significance`, label: `${m[1]} significance` })
    } else if (m[2] === 'n') columns.push({ key: c.key, label: `${m[1]} seeds` })
  }
  const rows = table.rows.map((r) => {
    const row: Record<string, Cell> = { ...r }
    for (const m of metrics) {
      const kind = cellKind(m)
      const mean = num(r[`${m}:mean`])
      row[m] = mean === null ? null : statCell(kind, { mean, std: num(r[`${m}:std`]) })
      if (`${m}:ci_low` in r) {
        const d = withSignificance({ mean, std: num(r[`${m}:std`]), n: num(r[`${m}:n`]) ?? 0, ciLow: num(r[`${m}:ci_low`]), ciHigh: num(r[`${m}:ci_high`]) })
        row[`${m}:ci`] = d.ciLow === null ? null : intervalCell(kind, d)
        row[`${m}:significance`] = significanceNote(d) || null
      }
    }
    return row
  })
  return { columns, rows }
}
