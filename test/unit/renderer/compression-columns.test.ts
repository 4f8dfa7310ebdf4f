/** The runs table's compression columns (issue 18 item 7): added for pruned runs, before the tags, never twice. */
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../src-shared/types'
import { hasCompressionRuns, withCompressionColumns } from '../../../src-renderer/views/compression-columns'
import { columnOf, DEFAULT_COLUMNS } from '../../../src-renderer/views/runs-model'

const row = (results: Record<string, number>): RunSummary => ({ results } as unknown as RunSummary)

describe('compression columns', () => {
  it('come with the first pruned run, in the figures it has', () => {
    const plain = [row({ 'test.accuracy': 0.9 })]
    expect(hasCompressionRuns(plain)).toBe(false)
    const pruned = [...plain, row({ 'test.accuracy': 0.9, compression: 4, 'macs.reduction': 0.75, speedup: 3.2, 'accuracy.change': -0.01 })]
    expect(hasCompressionRuns(pruned)).toBe(true)
    const ids = withCompressionColumns(DEFAULT_COLUMNS, pruned)
    expect(ids.slice(-5)).toEqual(['result:compression', 'result:macs.reduction', 'result:speedup', 'result:accuracy.change', 'tags'])
    expect(withCompressionColumns(ids, pruned)).toEqual(ids)
    expect(columnOf('result:speedup').label).toBe('Speed-up')
  })
})
