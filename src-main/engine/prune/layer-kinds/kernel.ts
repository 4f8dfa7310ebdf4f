/**
 * Layers that make new channels from all their input channels: Dense (units), Conv2D (filters) and
 * SeparableConv2D (a depthwise then a pointwise kernel, filters). Removing one of their output
 * channels cuts the kernel's last axis and the bias; removing one of their input channels cuts the
 * kernel's input axis (Dense [in, out], Conv2D [kh, kw, in, out]).
 */
import { channelsLast, type LayerKind, type WeightCut } from './types'

const outputAndInput = (rank: number): WeightCut[] =>
  rank === 1 ? [{ axis: 0, by: 'output' }] : [{ axis: rank - 1, by: 'output' }, { axis: rank - 2, by: 'input' }]

const freshChannels: LayerKind['trace'] = (step) => step.fresh(step.node.outputShape[step.node.outputShape.length - 1])

/** Dense: kernel [in, out] (on any rank of input, over its last axis), bias [out]. */
export const denseKind: LayerKind = { classes: ['Dense'], widthKey: 'units', owner: true, trace: freshChannels, cut: (_i, rank) => outputAndInput(rank) }

/** Conv2D: kernel [kh, kw, in, out], bias [out]. */
export const conv2dKind: LayerKind = { ...denseKind, classes: ['Conv2D'], widthKey: 'filters', check: channelsLast }

/**
 * SeparableConv2D with depth multiplier 1: depthwise kernel [kh, kw, in, 1] (input axis 2),
 * pointwise kernel [1, 1, in, out], bias [out]. The pointwise kernel is the one criteria score.
 */
export const separableConv2dKind: LayerKind = {
  classes: ['SeparableConv2D'],
  widthKey: 'filters',
  owner: true,
  kernelIndex: 1,
  check: (node) => {
    const m = Number(node.config.depth_multiplier ?? 1)
    return m === 1 ? channelsLast(node) : `depth_multiplier ${m} is not supported by pruning (1 only)`
  },
  trace: freshChannels,
  cut: (index, rank) => (index === 0 ? [{ axis: 2, by: 'input' }] : outputAndInput(rank)),
}
