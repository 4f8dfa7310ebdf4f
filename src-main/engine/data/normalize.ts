/**
 * Per-channel normalisation of image datasets brought as files (CIFAR, image folders): each channel
 * minus the training split's mean, over its standard deviation, for every split — the statistics of
 * the training split only, so nothing of the test split leaks into training.
 */
import type { DataSplit } from './dataset'

export interface ChannelStats {
  mean: number[]
  sd: number[]
}

/** Normalises `train` and `others` in place by the channel statistics of `train` (NHWC: the channel is the last axis). */
export function normalizeChannels(train: DataSplit, others: DataSplit[], channels: number): ChannelStats {
  const sum = new Float64Array(channels)
  const squares = new Float64Array(channels)
  const x = train.x
  for (let i = 0; i < x.length; i++) {
    const c = i % channels
    sum[c] += x[i]
    squares[c] += x[i] * x[i]
  }
  const count = x.length / channels
  const mean = Array.from(sum, (s) => (count > 0 ? s / count : 0))
  const sd = Array.from(squares, (s, c) => {
    const v = count > 0 ? s / count - mean[c] * mean[c] : 0
    return v > 1e-12 ? Math.sqrt(v) : 1
  })
  for (const split of [train, ...others]) {
    const v = split.x
    for (let i = 0; i < v.length; i++) {
      const c = i % channels
      v[i] = (v[i] - mean[c]) / sd[c]
    }
  }
  return { mean, sd }
}

/** `mean [0.491, 0.482, 0.447], sd [0.247, 0.243, 0.262]` */
export function channelStatsText(s: ChannelStats): string {
  const list = (v: number[]): string => `[${v.map((x) => x.toFixed(3)).join(', ')}]`
  return `mean ${list(s.mean)}, sd ${list(s.sd)}`
}
