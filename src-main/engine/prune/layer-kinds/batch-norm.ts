/**
 * BatchNormalization over the channel axis: its four vectors (γ, β, moving mean, moving variance;
 * fewer with scale/center off) lose the entries of removed channels. Applied per element, so a
 * feature map may be read after it.
 */
import { sameChannels, type LayerKind } from './types'

export const batchNormKind: LayerKind = {
  classes: ['BatchNormalization'],
  elementwise: true,
  check: (node, rank) => {
    const axis = Number(node.config.axis ?? -1)
    return axis === -1 || axis === rank - 1 ? null : 'only axis -1 (channels last) is supported by pruning'
  },
  trace: sameChannels,
  cut: () => [{ axis: 0, by: 'output' }],
}
