/**
 * The layer kinds pruning knows, by TF.js class name. A class not listed here is refused — at
 * launch for an imported parent (from its model.json, without TF.js) and by the graph analysis in
 * the worker — naming the layer and its class, never pruned wrongly. A new layer kind is one entry.
 */
import { batchNormKind } from './batch-norm'
import { elementwiseKind, inputKind, softmaxKind, spatialKind } from './channelwise'
import { depthwiseConv2dKind } from './depthwise'
import { conv2dKind, denseKind, separableConv2dKind } from './kernel'
import { mergeKind } from './merge'
import { concatenateKind, flattenKind, spaceToDepthKind } from './stacking'
import type { LayerKind, TraceNode } from './types'

const KINDS: readonly LayerKind[] = [
  denseKind,
  conv2dKind,
  separableConv2dKind,
  depthwiseConv2dKind,
  batchNormKind,
  elementwiseKind,
  spatialKind,
  softmaxKind,
  inputKind,
  mergeKind,
  concatenateKind,
  flattenKind,
  spaceToDepthKind,
]

const BY_CLASS = new Map(KINDS.flatMap((k) => k.classes.map((c) => [c, k] as const)))

/** The layer classes pruning understands, sorted. */
export function supportedLayerClasses(): string[] {
  return [...BY_CLASS.keys()].sort()
}

/** The kind of a layer class, or undefined when pruning does not know it. */
export function layerKindOf(className: string): LayerKind | undefined {
  return BY_CLASS.get(className)
}

/** The message refusing a layer pruning does not know (the same at launch and in the worker). */
export function unsupportedLayerMessage(name: string, className: string): string {
  return `layer '${name}' (${className}) is not supported by pruning`
}

/** Whether a layer is applied per element (its feature map may be read after it). */
export function isElementwise(node: TraceNode): boolean {
  const e = layerKindOf(node.className)?.elementwise
  return typeof e === 'function' ? e(node) : e === true
}

/** The first layer of `layers` whose class pruning does not know, in words; null when all are known. */
export function firstUnsupportedLayer(layers: readonly { name: string; className: string }[]): string | null {
  const bad = layers.find((l) => layerKindOf(l.className) === undefined)
  return bad === undefined ? null : unsupportedLayerMessage(bad.name, bad.className)
}
