/**
 * DepthwiseConv2D: output channel c·m + k (k < depth multiplier m) is computed from input channel c
 * alone, so its channels ARE its input's (METHODS G1: "the channels a depthwise convolution shares
 * with its input"): removing input channel c removes kernel[:, :, c, :] and the m output channels
 * and biases it makes, in every layer of the group at once.
 */
import { channelsLast, type LayerKind } from './types'

export const depthwiseConv2dKind: LayerKind = {
  classes: ['DepthwiseConv2D'],
  owner: true,
  check: channelsLast,
  trace: (step) => {
    const input = step.inputs[0]
    const m = Number(step.node.config.depth_multiplier ?? 1)
    const out = new Int32Array(input.length * m)
    for (let c = 0; c < input.length; c++) for (let k = 0; k < m; k++) out[c * m + k] = input[c]
    return out
  },
  // kernel [kh, kw, in, m]: input axis 2; bias [in·m]: output positions.
  cut: (_index, rank) => (rank === 1 ? [{ axis: 0, by: 'output' }] : [{ axis: 2, by: 'input' }]),
}
