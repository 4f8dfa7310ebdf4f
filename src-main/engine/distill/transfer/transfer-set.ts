/**
 * The transfer set a student learns from (Buciluǎ 2006; Hinton 2015 §3), as one split whose
 * labelled examples keep their class and whose other examples carry `UNLABELLED` (−1), so that
 * both mix in one batch: the loss gives labelled examples the hard-label and teacher terms, the
 * others the teacher terms only (their targets are the teacher's logits, computed per batch on the
 * same augmented inputs as for training data).
 *
 * - train: the labelled training split.
 * - munge: MUNGE synthetic examples (multiplier × the labelled examples), plus the labelled ones
 *   when `includeOriginal`.
 * - random: uniform random examples in each feature's range (the paper's RANDOM baseline), same sizes.
 * - unlabeled: the labelled split plus `count` examples beyond `dataset.trainLimit`, labels hidden.
 * `omitClasses` drops those classes from every part (Hinton's "no 3s" experiment); synthetic
 * examples are made from what is left.
 */
import type { TransferSpec } from '../../../../src-shared/spec/schema'
import type { DataSplit } from '../../data/dataset'
import { deriveSeed } from '../../random/seeded-rng'
import { UNLABELLED } from '../label-mask'
import { munge } from './munge'
import { uniformRandomSet } from './random-set'

export interface TransferComposition {
  /** Examples with their label (hard and teacher terms). */
  labelled: number
  /** MUNGE or RANDOM examples (teacher terms only). */
  synthetic: number
  /** Real examples with hidden labels (teacher terms only). */
  unlabelled: number
  /** Examples of the omitted classes left out (labelled and unlabelled). */
  omitted: number
}

export interface TransferSetArgs {
  spec: TransferSpec
  /** The labelled training examples. */
  labelled: DataSplit
  /** Examples beyond the training limit (for `unlabeled`); their labels are only used to omit classes. */
  unlabelledPool?: DataSplit
  /** Values per example. */
  features: number
  omitClasses: readonly number[]
  seed: number
}

export interface TransferSet {
  split: DataSplit
  composition: TransferComposition
  /** MUNGE's measured swap rate (≈ p), when MUNGE made the set. */
  mungeSwapRate?: number
}

/** The examples of `split` whose class is not in `classes`. */
export function withoutClasses(split: DataSplit, classes: readonly number[], features: number): DataSplit {
  if (classes.length === 0) return split
  const drop = new Set(classes)
  const keep: number[] = []
  for (let i = 0; i < split.n; i++) if (!drop.has(split.y[i])) keep.push(i)
  const x = new Float32Array(keep.length * features)
  const y = new Int32Array(keep.length)
  keep.forEach((src, i) => {
    x.set(split.x.subarray(src * features, (src + 1) * features), i * features)
    y[i] = split.y[src]
  })
  return { x, y, n: keep.length }
}

/** Concatenates splits; the parts listed in `hide` get the label UNLABELLED. */
function concat(parts: { split: DataSplit; hide: boolean }[], features: number): DataSplit {
  const n = parts.reduce((a, p) => a + p.split.n, 0)
  const x = new Float32Array(n * features)
  const y = new Int32Array(n)
  let at = 0
  for (const { split, hide } of parts) {
    x.set(split.x.subarray(0, split.n * features), at * features)
    if (hide) y.fill(UNLABELLED, at, at + split.n)
    else y.set(split.y.subarray(0, split.n), at)
    at += split.n
  }
  return { x, y, n }
}

const synthetic = (x: Float32Array, n: number): DataSplit => ({ x, y: new Int32Array(n).fill(UNLABELLED), n })

/** Builds the transfer set of a distillation run (see the file comment). */
export async function buildTransferSet(args: TransferSetArgs): Promise<TransferSet> {
  const { spec, features: d } = args
  const labelled = withoutClasses(args.labelled, args.omitClasses, d)
  let omitted = args.labelled.n - labelled.n
  if (labelled.n === 0) throw new Error('the transfer set has no labelled examples left after omitting classes')
  const counts = (synth: number, unlabelled: number, withLabels: number): TransferComposition => ({
    labelled: withLabels,
    synthetic: synth,
    unlabelled,
    omitted,
  })
  switch (spec.kind) {
    case 'train':
      return { split: labelled, composition: counts(0, 0, labelled.n) }
    case 'munge': {
      const made = await munge(labelled.x, labelled.n, d, {
        p: spec.p,
        s: spec.s,
        multiplier: spec.multiplier,
        pcaDims: spec.pcaDims,
        seed: deriveSeed(args.seed, 'munge'),
      })
      const synth = synthetic(made.x, labelled.n * spec.multiplier)
      const parts = [...(spec.includeOriginal ? [{ split: labelled, hide: false }] : []), { split: synth, hide: true }]
      return {
        split: concat(parts, d),
        composition: counts(synth.n, 0, spec.includeOriginal ? labelled.n : 0),
        mungeSwapRate: made.stats.swapRate,
      }
    }
    case 'random': {
      const count = labelled.n * spec.multiplier
      const synth = synthetic(uniformRandomSet(labelled.x, labelled.n, d, count, deriveSeed(args.seed, 'random-set')), count)
      const parts = [...(spec.includeOriginal ? [{ split: labelled, hide: false }] : []), { split: synth, hide: true }]
      return { split: concat(parts, d), composition: counts(count, 0, spec.includeOriginal ? labelled.n : 0) }
    }
    case 'unlabeled': {
      const pool = args.unlabelledPool
      if (!pool || pool.n === 0) {
        throw new Error('transfer unlabeled: no examples beyond the training split (set dataset.trainLimit below the training split size)')
      }
      const kept = withoutClasses(pool, args.omitClasses, d)
      omitted += pool.n - kept.n
      const n = Math.min(kept.n, spec.count ?? kept.n)
      const part: DataSplit = { x: kept.x.subarray(0, n * d), y: kept.y.subarray(0, n), n }
      return { split: concat([{ split: labelled, hide: false }, { split: part, hide: true }], d), composition: counts(0, n, labelled.n) }
    }
  }
}
