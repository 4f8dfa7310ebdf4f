/** The lab's one number format (issue 18 item 7): %, points, ×, thousands separators, units in headers. */
import { describe, expect, it } from 'vitest'
import { formatMetric } from '../../../src-shared/metrics'
import { bareNumber, beforeAfter, changePercent, factor, fileSize, headerWithUnit, signedFixed, thousands, withUnit } from '../../../src-shared/number-format'

describe('number format', () => {
  it('reads percents, points, factors, counts and bytes one way', () => {
    expect(withUnit('percent', 0.7255)).toBe('72.55 %')
    expect(withUnit('points', 0.0035)).toBe('+0.35 pp')
    expect(withUnit('points', -0.012)).toBe('−1.20 pp')
    expect(withUnit('points', -0.00001)).toBe('0.00 pp')
    expect(withUnit('ratio', 3.2571)).toBe('3.26×')
    expect(withUnit('integer', 61706)).toBe('61,706')
    expect(withUnit('bytes', 1234567)).toBe('1,234,567 B')
    expect(withUnit('ms', 3.14159)).toBe('3.142 ms')
    expect(withUnit(undefined, 0.123456)).toBe('0.1235')
    expect(withUnit('percent', null)).toBe('—')
    expect(thousands(1234.6)).toBe('1,235')
    expect(signedFixed(0.355, 1)).toBe('+0.4')
    expect(fileSize(48_312)).toBe('48.3 kB')
    expect(fileSize(812)).toBe('812 B')
  })

  it('puts the unit in the header and the bare number in the cell', () => {
    expect(headerWithUnit('test accuracy', 'percent')).toBe('test accuracy (%)')
    expect(headerWithUnit('params', 'integer')).toBe('params')
    expect(bareNumber('percent', 0.7255)).toBe('72.55')
    expect(bareNumber('points', 0.0035)).toBe('+0.35')
    expect(bareNumber('integer', 61706)).toBe('61,706')
  })

  it('says a change before → after with its relative size, never overstating a cut', () => {
    expect(beforeAfter('integer', 16, 10)).toBe('16 → 10 (−37 %)')
    expect(beforeAfter('integer', 61706, 15426)).toBe('61,706 → 15,426 (−75 %)')
    expect(changePercent(10, 16)).toBe('+60 %')
    expect(changePercent(10, 10)).toBe('0 %')
    expect(changePercent(0, 1)).toBe('—')
    expect(factor(61706, 15426)).toBe('4.00×')
    expect(factor(1, 0)).toBe('—')
  })

  it('is the format of the metric registry', () => {
    expect(formatMetric('test.accuracy', 0.93125)).toBe('93.13 %')
    expect(formatMetric('accuracy.change', -0.004)).toBe('−0.40 pp')
    expect(formatMetric('compression', 2.5)).toBe('2.50×')
  })
})

describe('statistics as they read', () => {
  it('mean ± std cells, intervals and the verdict, in the unit of the metric', async () => {
    const { statCell, intervalCell, differenceText, differenceKind, metricHeader } = await import('../../../src-shared/stat-format')
    expect(statCell('percent', { mean: 0.7255, std: 0.0035 })).toBe('72.55 ± 0.35')
    expect(statCell('points', { mean: 0.0042, std: 0.0031 })).toBe('+0.42 ± 0.31')
    expect(statCell('integer', { mean: 15426, std: null })).toBe('15,426')
    expect(statCell('percent', { mean: null, std: null })).toBe('—')
    expect(differenceKind('test.accuracy')).toBe('points')
    expect(intervalCell('points', { ciLow: -0.0031, ciHigh: 0.0115 })).toBe('[−0.31, +1.15]')
    expect(metricHeader('test.accuracy', 'test accuracy')).toBe('test accuracy (%)')
    expect(differenceText('points', { mean: 0.0042, std: 0.003, n: 3, ciLow: -0.0031, ciHigh: 0.0115, significant: false })).toBe(
      '+0.42 pp, 95 % CI [−0.31, +1.15] pp, not significant with 3 seeds',
    )
  })
})
