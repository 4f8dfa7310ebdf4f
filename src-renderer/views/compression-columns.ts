/**
 * The compression figures as runs-table columns (issue 18 item 7): the same results the run page's
 * summary card shows — parameters ÷ (×), MACs cut, measured speed-up, accuracy or mAP change
 * against the parent (points). Added once when a pruned run is listed (default on for compression
 * experiments); a user who removes them keeps them removed. Pure.
 */
import type { RunSummary } from '../../src-shared/types'

/** Results every pruning run records (`finishPruned` in the engine), with the labels the table gives them. */
export const COMPRESSION_LABELS: Readonly<Record<string, string>> = {
  compression: 'Params ÷',
  'macs.reduction': 'MACs cut',
  speedup: 'Speed-up',
  'accuracy.change': 'Δ accuracy',
  'mAP.change': 'Δ mAP',
}

/** True when a listed run reports what pruning did to its parent. */
export function hasCompressionRuns(rows: readonly RunSummary[]): boolean {
  return rows.some((r) => r.results.compression !== undefined)
}

/** The columns with the compression figures the rows have, before the tags (those already there stay put). */
export function withCompressionColumns<Id extends string>(ids: readonly Id[], rows: readonly RunSummary[]): (Id | `result:${string}`)[] {
  const has = (key: string): boolean => rows.some((r) => r.results[key] !== undefined)
  const wanted = Object.keys(COMPRESSION_LABELS)
    .filter(has)
    .map((k): `result:${string}` => `result:${k}`)
    .filter((id) => !(ids as readonly string[]).includes(id))
  const at = ids.indexOf('tags' as Id)
  return at < 0 ? [...ids, ...wanted] : [...ids.slice(0, at), ...wanted, ...ids.slice(at)]
}
