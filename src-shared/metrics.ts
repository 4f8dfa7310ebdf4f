/**
 * The metric registry: every result and curve key a run records, declared once with its unit,
 * the way it improves and how it reads. The engine writes these keys, the lab's analysis ranks
 * and derives from them (best run, Pareto axes, gains, kept fractions), the CLI and the window
 * format them. A key that is not declared has no direction and reads as a plain number.
 *
 * Families are declared by pattern: `parent.<k>`, `teacher.<k>`, `teacher.member<i>.<k>` and
 * `pruned.<k>`, `qat.<k>` read as `<k>`; `ort.latency.b<batch>.t<1|all>.ms` and `layer.bytes.<layer>` are families; `<split>.ap.<class>` is a per-class AP; the lab derives
 * `gain.<k>` (a difference, in points for a percent metric) and `kept.<k>` (a fraction of the
 * parent's size). Pure data and functions: no Node or DOM imports (the renderer bundles it).
 */

import { withUnit, type NumberKind } from './number-format'

export { readableNumber } from './number-format'

export type MetricDirection = 'higher' | 'lower' | null

/** How a value reads (`number-format.ts`): percent, points, integer, number, bytes, ms, seconds, ratio. */
export type MetricFormat = NumberKind

export interface MetricInfo {
  key: string
  /** What the value measures, in words. */
  label: string
  /** `fraction`, `count`, `bytes`, `ms`, `s`, `×`, `nats`, or '' for a plain number. */
  unit: string
  direction: MetricDirection
  format: MetricFormat
  /** A model's size or cost (params, MACs, bytes, latency): an axis against quality, kept after pruning. */
  cost?: true
}

type Entry = Omit<MetricInfo, 'key'>

const acc = (label: string): Entry => ({ label, unit: 'fraction', direction: 'higher', format: 'percent' })
const loss = (label: string): Entry => ({ label, unit: 'nats', direction: 'lower', format: 'number' })
const count = (label: string, direction: MetricDirection = null): Entry => ({ label, unit: 'count', direction, format: 'integer' })
const size = (label: string, unit: string, format: MetricFormat): Entry => ({ label, unit, direction: 'lower', format, cost: true })
const ratio = (label: string): Entry => ({ label, unit: '×', direction: 'higher', format: 'ratio' })

/** Every key the engine records as a result or a curve, by name. */
const METRICS: Readonly<Record<string, Entry>> = {
  // Quality, on the test split and during training.
  'test.accuracy': acc('test accuracy'),
  'test.loss': loss('test loss'),
  'test.errors': count('test errors', 'lower'),
  'test.mAP': acc('test mAP (all-point)'),
  'test.mAP11': acc('test mAP (11-point, VOC 2007)'),
  'train.accuracy': acc('training accuracy'),
  'train.loss': loss('training loss'),
  'train.loss.obj': loss('training objectness loss'),
  'train.loss.cls': loss('training class loss'),
  'train.loss.box': loss('training box loss'),
  'val.accuracy': acc('validation accuracy'),
  'val.loss': loss('validation loss'),
  'val.mAP': acc('validation mAP (all-point)'),
  'accuracy.change': { label: 'test accuracy − parent', unit: 'fraction', direction: 'higher', format: 'points' },
  'mAP.change': { label: 'test mAP − parent', unit: 'fraction', direction: 'higher', format: 'points' },
  // Size and cost.
  params: size('parameters', 'count', 'integer'),
  'params.nonzero': size('non-zero parameters', 'count', 'integer'),
  macs: size('multiply-accumulates per example', 'count', 'integer'),
  'model.bytes': size('model files', 'bytes', 'bytes'),
  'serialized.bytes': size('serialized weights', 'bytes', 'bytes'),
  'sparse.bytes': size('sparse-encoded weights', 'bytes', 'bytes'),
  'weights.bytes': size('weights as stored (quantized values, scales, zero points)', 'bytes', 'bytes'),
  'weights.compression': ratio('parent weight bytes / weight bytes'),
  'weights.huffman.bytes': size('weights as stored, integer values Huffman-coded (Deep Compression)', 'bytes', 'bytes'),
  'origin.compression': ratio('original (unpruned float) weight bytes / weight bytes (Deep Compression)'),
  'origin.compression.huffman': ratio('original weight bytes / Huffman-coded weight bytes (Deep Compression)'),
  'ort.test.accuracy': acc('test accuracy of the exported ONNX model in ONNX Runtime'),
  'ort.threads.all': count('cores ONNX Runtime used for the all-cores latency'),
  'latency.ms': size('inference latency per batch, batch norm folded, conv + bias + ReLU fused (wall clock)', 'ms', 'ms'),
  'latency.cpu.ms': size('inference latency per batch, batch norm folded, conv + bias + ReLU fused (CPU time)', 'ms', 'ms'),
  'latency.layers.cpu.ms': size('layers-model predict latency per batch, batch norm and activations as separate passes (CPU time)', 'ms', 'ms'),
  compression: ratio('parent params / params'),
  'compression.nonzero': ratio('parent non-zero params / non-zero params'),
  'sparse.compression': ratio('parent sparse bytes / sparse bytes'),
  'macs.reduction': { label: '1 − MACs / parent MACs', unit: 'fraction', direction: 'higher', format: 'percent' },
  speedup: ratio('parent latency / latency (wall clock)'),
  'speedup.cpu': ratio('parent latency / latency (CPU time)'),
  'speedup.layers.cpu': ratio('parent layers-predict latency / layers-predict latency (CPU time)'),
  // Settings and bookkeeping recorded among the results: no direction.
  'latency.batch': count('batch the latency was timed at'),
  'test.examples': count('test examples'),
  'train.examples': count('training examples'),
  'train.droppedObjects': count('objects dropped by the detector grid'),
  'train.seconds': { label: 'training time', unit: 's', direction: 'lower', format: 'seconds' },
  'epoch.seconds': { label: 'epoch time', unit: 's', direction: 'lower', format: 'seconds' },
  epochs: count('epochs trained'),
  lr: { label: 'learning rate', unit: '', direction: null, format: 'number' },
  'teacher.members': count('teachers in the ensemble'),
  'transfer.examples': count('transfer-set examples'),
  'transfer.labelled': count('labelled transfer examples'),
  'transfer.synthetic': count('synthetic (MUNGE) transfer examples'),
  'transfer.unlabelled': count('unlabelled transfer examples'),
  'transfer.omitted': count('examples of omitted classes'),
  'munge.swapRate': { label: 'MUNGE swap rate', unit: 'fraction', direction: null, format: 'number' },
  'bias.val.accuracy.before': acc('validation accuracy before the bias correction'),
  'bias.val.accuracy.after': acc('validation accuracy after the bias correction'),
  removed: count('units removed'),
  'prune.steps': count('pruning steps'),
  'units.before': count('prunable units before'),
  'units.after': count('prunable units after'),
  'stopped.accuracyFloor': count('stopped at the accuracy floor (1) or not (0)'),
  'sensitivity.layers': count('layers scanned'),
  'sensitivity.ratios': count('ratios per layer'),
  // Curves of the pruning loops.
  sparsity: { label: 'fraction of weights masked to zero', unit: 'fraction', direction: null, format: 'percent' },
  'zero.fraction': { label: 'fraction of filters below the threshold', unit: 'fraction', direction: null, format: 'percent' },
  threshold: { label: 'pruning threshold', unit: '', direction: null, format: 'number' },
}

/**
 * Prefixes naming the same measure of another model (the parent's, the teacher's, before
 * fine-tuning) or during one phase of a pruning run (AGP, fine-tuning, sparsity training, retraining).
 */
const SAME_MEASURE = /^(parent|origin|teacher\.member\d+|teacher|pruned|agp|finetune|sparsity|retrain|qat)\.(.+)$/

/** The registry entry of `key`, or undefined for a key nobody declared. */
export function metricInfo(key: string): MetricInfo | undefined {
  const own = METRICS[key]
  if (own) return { key, ...own }
  const gain = /^gain\.(.+)$/.exec(key)
  if (gain) {
    const of = metricInfo(gain[1])
    if (!of?.direction) return undefined
    const points = of.format === 'percent' || of.format === 'points'
    return { key, label: `gain in ${of.label}`, unit: of.unit, direction: of.direction, format: points ? 'points' : 'number' }
  }
  const kept = /^kept\.(.+)$/.exec(key)
  if (kept) {
    const of = metricInfo(kept[1])
    if (!of?.cost) return undefined
    return { key, label: `${of.label} kept (of the parent's)`, unit: 'fraction', direction: 'lower', format: 'percent', cost: true }
  }
  const same = SAME_MEASURE.exec(key)
  if (same) {
    const of = metricInfo(same[2])
    return of && { ...of, key, label: `${same[1]} ${of.label}` }
  }
  const ort = /^ort\.(latency|speedup)\.b(\d+)\.t(1|all)(\.ms)?$/.exec(key)
  if (ort) {
    const at = `in ONNX Runtime (CPU, batch ${ort[2]}, ${ort[3] === '1' ? '1 thread' : 'all cores'})`
    return ort[1] === 'latency' ? { key, ...size(`inference latency per batch ${at}`, 'ms', 'ms') } : { key, ...ratio(`parent latency / latency ${at}`) }
  }
  const layerBytes = /^layer\.bytes\.(.+)$/.exec(key)
  if (layerBytes) return { key, ...size(`weights of layer ${layerBytes[1]} as stored`, 'bytes', 'bytes') }
  const ap = /^(test|val|parent\.test)\.ap\.(.+)$/.exec(key)
  if (ap) return { key, ...acc(`AP of class ${ap[2]}`) }
  const sensitivity = /^sensitivity\.(.+)@([\d.]+)$/.exec(key)
  if (sensitivity) return { key, ...acc(`test metric with ${sensitivity[1]} pruned at ${sensitivity[2]}`) }
  return undefined
}

/** Which way `key` improves; null for settings, bookkeeping and undeclared keys. */
export function metricDirection(key: string): MetricDirection {
  return metricInfo(key)?.direction ?? null
}

/** A fraction read ×100: accuracies, mAP, per-class AP, their changes (points); not kept sizes. */
export function isPercentMetric(key: string): boolean {
  const info = metricInfo(key)
  return (info?.format === 'percent' || info?.format === 'points') && !info.cost
}

/** A size or cost (params, non-zero params, MACs, bytes, latency, kept fractions). */
export function isCostMetric(key: string): boolean {
  return metricInfo(key)?.cost === true
}

/** A size or cost as the model itself has it (not a kept fraction): what pruning keeps a part of. */
export function isSizeMetric(key: string): boolean {
  return isCostMetric(key) && !key.startsWith('kept.')
}

/** `key`'s value as people read it (`number-format.ts`): `93.12 %`, `+1.20 pp`, `12,345`, `2.50×`, `3.1 ms`. */
export function formatMetric(key: string, value: number | null | undefined): string {
  return withUnit(metricInfo(key)?.format, value)
}
