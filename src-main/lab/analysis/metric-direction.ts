/**
 * Which way a result improves, from its name: accuracies up; losses, errors, sizes and times down.
 * `gain.x` and `kept.x` (derived by the sweeps) follow `x`. Unknown names have no direction, and
 * nothing is marked best for them.
 */
import type { MetricDirection } from '../../../src-shared/contract'

const HIGHER = /(^|[._-])(accuracy|acc|map|map11|ap|auc|f1|precision|recall|top\d)([._-]|$)/
const LOWER = /(^|[._-])(loss|errors?|params|macs|flops|latency|bytes|seconds|ms|time)([._-]|$)/

/** `test.accuracy`, `test.mAP`, `test.mAP11`, `test.ap.<class>` → higher, `test.loss` / `params` / `latency.ms` → lower, `epochs` → null. */
export function metricDirection(key: string): MetricDirection {
  const k = key.toLowerCase().replace(/^(gain|kept)\./, '')
  // Settings recorded among the results (the batch size latency was timed at), not outcomes.
  if (/(^|\.)batch$/.test(k)) return null
  if (HIGHER.test(k)) return 'higher'
  if (LOWER.test(k)) return 'lower'
  return null
}
