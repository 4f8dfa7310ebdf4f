/**
 * Layers that move values without computing on them: Flatten (in TF.js order, so the features
 * keep Keras's H·W·C order), SpaceToDepth (ONNX's op has TF's channel order: (dy·b + dx)·C + c),
 * and Dropout, InputLayer (identities at inference).
 */
import { configOf, valueOf, type LayerExporter } from '../layer-export'

export const exportIdentity: LayerExporter = (c) => ({ ...c.inputs[0], shape: c.node.outputShape })

export const exportFlatten: LayerExporter = (c) =>
  valueOf(c, c.g.node('Flatten', [c.tfOrder(c.inputs[0])], { name: `${c.node.name}/flatten`, attrs: { axis: { int: 1 } } }), 'tf')

export const exportSpaceToDepth: LayerExporter = (c) => {
  // toJSON writes config keys in snake_case.
  const blocksize = configOf<number>(c, 'block_size')
  return valueOf(c, c.g.node('SpaceToDepth', [c.nchw(c.inputs[0])], { name: `${c.node.name}/space_to_depth`, attrs: { blocksize: { int: blocksize } } }), 'nchw')
}
