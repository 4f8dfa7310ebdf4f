/** How sweep cells read: accuracies and mAP / AP in percent, their gains in percentage points, the rest to 4 digits. */
import type { PivotStat } from '../../../src-shared/contract'
import { isPercentMetric } from '../../../src-shared/metrics'
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
