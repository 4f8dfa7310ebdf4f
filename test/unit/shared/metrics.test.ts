/** The metric registry: every key the engine records is declared, with its direction and format. */
import { describe, expect, it } from 'vitest'
import {
  formatMetric,
  isCostMetric,
  isPercentMetric,
  isSizeMetric,
  metricDirection,
  metricInfo,
} from '../../../src-shared/metrics'
import { PRUNED_RESULT_KEYS } from '../engine/methods/prune-fixtures'

describe('metricDirection', () => {
  it('reads the direction from the registry, families included', () => {
    expect(metricDirection('test.accuracy')).toBe('higher')
    for (const k of ['test.mAP', 'test.mAP11', 'test.ap.circle', 'parent.test.mAP', 'mAP.change']) expect(metricDirection(k)).toBe('higher')
    expect(metricDirection('gain.test.accuracy')).toBe('higher')
    expect(metricDirection('teacher.member2.test.accuracy')).toBe('higher')
    expect(metricDirection('test.loss')).toBe('lower')
    expect(metricDirection('params')).toBe('lower')
    expect(metricDirection('kept.macs')).toBe('lower')
    expect(metricDirection('latency.ms')).toBe('lower')
    expect(metricDirection('model.bytes')).toBe('lower')
    // A reduction and a speed-up improve upwards (a name-based guess read `macs.reduction` as a size).
    expect(metricDirection('macs.reduction')).toBe('higher')
    expect(metricDirection('speedup.cpu')).toBe('higher')
    expect(metricDirection('epochs')).toBeNull()
    expect(metricDirection('latency.batch')).toBeNull()
    expect(metricDirection('test.examples')).toBeNull()
    expect(metricDirection('no.such.key')).toBeNull()
  })
})

describe('the registry', () => {
  it('declares every result a pruning run reports', () => {
    for (const k of PRUNED_RESULT_KEYS) expect(metricInfo(k), k).toBeDefined()
  })

  it('knows the engine writes params.nonzero, and counts it among the costs', () => {
    // The window's Pareto costs used to look for `nonzero.params`, which no run records.
    expect(isCostMetric('params.nonzero')).toBe(true)
    expect(isSizeMetric('params.nonzero')).toBe(true)
    expect(metricInfo('nonzero.params')).toBeUndefined()
    expect(isCostMetric('kept.params.nonzero')).toBe(true)
    expect(isSizeMetric('kept.params.nonzero')).toBe(false)
    expect(isCostMetric('test.accuracy')).toBe(false)
  })

  it('declares the curves of the pruning loops, phase by phase', () => {
    for (const k of ['finetune.train.loss', 'agp.test.accuracy', 'sparsity.train.loss', 'retrain.val.accuracy', 'val.mAP', 'zero.fraction', 'threshold', 'sparsity'])
      expect(metricInfo(k), k).toBeDefined()
    expect(metricDirection('finetune.test.accuracy')).toBe('higher')
  })

  it('derives gains and kept fractions only where they mean something', () => {
    expect(metricInfo('gain.test.accuracy')?.format).toBe('points')
    expect(metricInfo('gain.params')?.format).toBe('number')
    expect(metricInfo('gain.epochs')).toBeUndefined()
    expect(metricInfo('kept.test.accuracy')).toBeUndefined()
  })

  it('reads accuracies, mAP and their changes in percent, not sizes', () => {
    for (const k of ['test.accuracy', 'test.mAP11', 'test.ap.cat', 'accuracy.change', 'gain.test.accuracy', 'parent.test.accuracy'])
      expect(isPercentMetric(k), k).toBe(true)
    for (const k of ['params', 'kept.params', 'test.loss', 'gain.params', 'epochs']) expect(isPercentMetric(k), k).toBe(false)
  })

  it('formats a value by its key', () => {
    expect(formatMetric('test.accuracy', 0.93125)).toBe('93.13 %')
    expect(formatMetric('gain.test.accuracy', -0.012)).toBe('−1.20 pp')
    expect(formatMetric('params', 12345)).toBe('12,345')
    expect(formatMetric('speedup', 2.5)).toBe('2.50×')
    expect(formatMetric('latency.ms', 3.14159)).toBe('3.142 ms')
    expect(formatMetric('unknown', 0.123456)).toBe('0.1235')
    expect(formatMetric('test.accuracy', null)).toBe('—')
  })
})
