/**
 * ModelSpec → the concrete list of layers and their output shapes, without TensorFlow (so the
 * launch-time checks can use it). The builders (`mlp`, `lenet5`) expand into the same layer list a
 * custom model gives; every model ends in a linear dense layer of `numClasses` units (logits).
 */
import type { LayerSpec, ModelSpec } from '../../../src-shared/spec/schema'

/** A layer as it will be built, with the shape it outputs (no batch dimension). */
export interface PlannedLayer {
  spec: LayerSpec
  outputShape: number[]
  /** Where it came from, for messages: `layer 3 (conv2d)`, `lenet5 conv2d #2`, `added output layer`. */
  origin: string
}

export interface ModelPlan {
  layers: PlannedLayer[]
  /** One line per problem (shape mismatches); empty when the model can be built. */
  issues: string[]
}

const shapeText = (s: number[]): string => (s.length === 1 ? `a flat vector of ${s[0]} values` : s.join('×'))

/** The builders' layer lists (before shape checks); custom models are taken as given. */
export function expandModelSpec(spec: ModelSpec): { layers: LayerSpec[]; label: string } {
  switch (spec.arch) {
    case 'mlp': {
      const layers: LayerSpec[] = [{ type: 'flatten' }]
      if (spec.inputDropout > 0) layers.push({ type: 'dropout', rate: spec.inputDropout })
      for (const units of spec.hidden) {
        layers.push({ type: 'dense', units, activation: spec.activation })
        if (spec.dropout > 0) layers.push({ type: 'dropout', rate: spec.dropout })
      }
      return { layers, label: 'mlp' }
    }
    case 'lenet5': {
      // LeNet-5 (LeCun et al. 1998) for 28×28 digits: the first conv pads ('same') to stand in for the
      // paper's 32×32 input; ReLU and max pooling as in current practice.
      const layers: LayerSpec[] = [
        { type: 'conv2d', filters: spec.filters[0], kernelSize: 5, strides: 1, padding: 'same', activation: 'relu' },
        { type: 'maxPool2d', poolSize: 2 },
        { type: 'conv2d', filters: spec.filters[1], kernelSize: 5, strides: 1, padding: 'valid', activation: 'relu' },
        { type: 'maxPool2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: spec.dense[0], activation: 'relu' },
      ]
      if (spec.dropout > 0) layers.push({ type: 'dropout', rate: spec.dropout })
      layers.push({ type: 'dense', units: spec.dense[1], activation: 'relu' })
      if (spec.dropout > 0) layers.push({ type: 'dropout', rate: spec.dropout })
      return { layers, label: 'lenet5' }
    }
    case 'custom':
      return { layers: spec.layers, label: 'custom' }
    case 'resnet':
    case 'vgg':
    case 'mobilenetv2':
      throw new Error(`model ${spec.arch} is a graph, not a layer list: net-plan.ts plans it`)
    case 'tinyYolo':
    case 'denseStackedStudent':
      throw new Error(`model ${spec.arch} is a detector: the detection methods build it (detect, detect-distill, prune, singh)`)
  }
}

function describeLayer(l: LayerSpec): string {
  switch (l.type) {
    case 'conv2d':
      return `conv2d ${l.kernelSize}×${l.kernelSize}/${l.strides} ${l.padding}`
    case 'maxPool2d':
    case 'avgPool2d':
      return `${l.type} ${l.poolSize}×${l.poolSize}/${l.strides ?? l.poolSize}`
    case 'dense':
      return `dense ${l.units}`
    default:
      return l.type
  }
}

/**
 * Expands a ModelSpec for a dataset and infers every layer's output shape. A dense layer that meets
 * an image is preceded by an automatic flatten; a flatten of a flat input is dropped; the logits
 * layer is appended unless the last layer already is a linear dense layer of `numClasses` units.
 */
export function planModel(spec: ModelSpec, inputShape: readonly number[], numClasses: number): ModelPlan {
  const { layers: specs, label } = expandModelSpec(spec)
  const issues: string[] = []
  const layers: PlannedLayer[] = []
  let shape = [...inputShape]
  const push = (s: LayerSpec, out: number[], origin: string): void => {
    layers.push({ spec: s, outputShape: out, origin })
    shape = out
  }
  specs.forEach((l, i) => {
    const origin = label === 'custom' ? `layer ${i + 1} (${describeLayer(l)})` : `${label} layer ${i + 1} (${describeLayer(l)})`
    if (issues.length) return
    switch (l.type) {
      case 'conv2d':
      case 'maxPool2d':
      case 'avgPool2d': {
        if (shape.length !== 3) {
          issues.push(
            `${origin}: needs an image input [height, width, channels] but receives ${shapeText(shape)}; ` +
              'put conv/pool layers before flatten and dense layers',
          )
          return
        }
        const k = l.type === 'conv2d' ? l.kernelSize : l.poolSize
        const s = l.type === 'conv2d' ? l.strides : (l.strides ?? l.poolSize)
        const same = l.type === 'conv2d' && l.padding === 'same'
        const [h, w, c] = shape
        if (!same && (h < k || w < k)) {
          issues.push(
            `${origin}: its ${h}×${w}×${c} input is smaller than the ${k}×${k} window, so the image ` +
              'would shrink below 1×1; use fewer conv/pool layers, smaller windows or padding same',
          )
          return
        }
        const out = (n: number): number => (same ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1)
        push(l, [out(h), out(w), l.type === 'conv2d' ? l.filters : c], origin)
        return
      }
      case 'flatten':
        if (shape.length > 1) push(l, [shape.reduce((a, b) => a * b, 1)], origin)
        return
      case 'dense':
        if (shape.length > 1) push({ type: 'flatten' }, [shape.reduce((a, b) => a * b, 1)], `${origin}: automatic flatten`)
        push(l, [l.units], origin)
        return
      case 'dropout':
      case 'batchNorm':
        push(l, shape, origin)
        return
    }
  })
  if (issues.length) return { layers, issues }
  const last = layers[layers.length - 1]?.spec
  const hasLogits = last?.type === 'dense' && last.units === numClasses && last.activation === 'linear'
  if (!hasLogits) {
    if (shape.length > 1) push({ type: 'flatten' }, [shape.reduce((a, b) => a * b, 1)], 'automatic flatten before the logits')
    push({ type: 'dense', units: numClasses, activation: 'linear', name: 'logits' }, [numClasses], 'logits layer')
  }
  return { layers, issues }
}
