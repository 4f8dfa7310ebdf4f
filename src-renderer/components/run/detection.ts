/**
 * A detection run's results as the run page shows them: mAP (all-point and 11-point) and the AP of
 * each class, read from the flat results (`test.mAP`, `test.mAP11`, `test.ap.<class>`). Pure.
 */

export interface DetectionSummary {
  /** All-point interpolated mean AP (VOC 2010+), 0..1. */
  mAP: number
  /** 11-point interpolated mean AP (VOC 2007), 0..1, when recorded. */
  mAP11: number | null
  /** Per-class AP in the order recorded, 0..1. */
  classes: { name: string; ap: number }[]
}

/** The detection results of a split (`test` by default), or null when the run has none. */
export function detectionSummary(results: Readonly<Record<string, number>>, split = 'test'): DetectionSummary | null {
  const mAP = results[`${split}.mAP`]
  if (mAP === undefined || !Number.isFinite(mAP)) return null
  const mAP11 = results[`${split}.mAP11`]
  const prefix = `${split}.ap.`
  const classes = Object.keys(results)
    .filter((k) => k.startsWith(prefix) && k.length > prefix.length)
    .map((k) => ({ name: k.slice(prefix.length), ap: results[k] }))
  return { mAP, mAP11: mAP11 !== undefined && Number.isFinite(mAP11) ? mAP11 : null, classes }
}
