/** How sweep cells read: accuracies and mAP / AP in percent, their gains in percentage points, the rest to 4 digits. */
import type { PivotStat } from '../../../src-shared/contract'
import { isPercentMetric } from '../../../src-shared/metrics'
import { intervalCell, kindOf } from '../../../src-shared/stat-format'
import { significanceNote, withSignificance, type PairedDifference } from '../../../src-shared/stats'
import { scalar } from '../../format'

function scale(key: string): { factor: number; unit: string; signed: boolean } {
  if (key.startsWith('gain.') && isPercentMetric(key.slice(5))) return { factor: 100, unit: ' pp', signed: true }
  if (isPercentMetric(key)) return { factor: 100, unit: ' %', signed: false }
  return { factor: 1, unit: '', signed: key.startsWith('gain.') }
}

/** `92.05 ± 0.07 %`, `+1.20 ± 0.40 pp`, `1.234e+4`; `—` without values. */
export function statText(key: string, s: PivotStat): string {
  if (s.mean === null) return '—'
  const { factor, unit, signed } = scale(key)
  const num = (v: number): string => (factor === 100 ? (v * factor).toFixed(2) : scalar(v))
  const mean = `${signed && s.mean > 0 ? '+' : ''}${num(s.mean)}`
  return s.std === null ? `${mean}${unit}` : `${mean} ± ${num(s.std)}${unit}`
}

/** A `gain.<k>` cell is a paired difference over seeds: it gets its 95 % interval and verdict (METHODS.md S1). */
function pairedInterval(key: string, s: PivotStat): PairedDifference | null {
  if (!key.startsWith('gain.') || s.ciLow === undefined || s.ciHigh === undefined) return null
  return withSignificance({ mean: s.mean, std: s.std, n: s.n, ciLow: s.ciLow, ciHigh: s.ciHigh })
}

/** `95 % CI [−0.31, +1.15]` under a gain; '' for other metrics and below two seeds. */
export function ciText(key: string, s: PivotStat): string {
  const d = pairedInterval(key, s)
  return d && d.ciLow !== null ? `95 % CI ${intervalCell(kindOf(key), d)}` : ''
}

/** `not significant with 3 seeds` (or significant) for a gain cell with an interval; '' otherwise. */
export function verdict(key: string, s: PivotStat): { text: string; significant: boolean | null } {
  const d = pairedInterval(key, s)
  return d && d.significant !== null ? { text: significanceNote(d), significant: d.significant } : { text: '', significant: null }
}
