/**
 * Layers without weights that keep every channel where it is: activations and dropout (applied per
 * element, so a zero channel stays zero), pooling and padding (each output channel reads one input
 * channel), and softmax over the channel axis.
 */
import { channelsLast, sameChannels, type LayerKind } from './types'

/** Activations and dropout: per element. A softmax activation mixes channels, so it ends a feature map. */
export const elementwiseKind: LayerKind = {
  classes: ['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'GaussianDropout', 'GaussianNoise', 'AlphaDropout', 'SpatialDropout1D'],
  elementwise: (node) => !(node.className === 'Activation' && node.config.activation === 'softmax'),
  trace: sameChannels,
}

/** Pooling and padding: spatial only; global pooling drops the spatial axes and keeps the channels. */
export const spatialKind: LayerKind = {
  classes: ['MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D'],
  check: channelsLast,
  trace: sameChannels,
}

/** Softmax over the channel axis keeps the channels (removing one renormalises the others). */
export const softmaxKind: LayerKind = {
  classes: ['Softmax'],
  check: (node, rank) => {
    const axis = Number(node.config.axis ?? -1)
    return axis === -1 || axis === rank - 1 ? null : 'only axis -1 is supported by pruning'
  },
  trace: sameChannels,
}

/** The model's input: its channels are the data's and are never removed. */
export const inputKind: LayerKind = {
  classes: ['InputLayer'],
  trace: (step) => new Int32Array(step.node.outputShape[step.node.outputShape.length - 1]).fill(1),
}
