/** Max and average pooling (on NCHW; TF's `same` padding as explicit pads) and their global forms. */
import { configOf, padsFor, pair, valueOf, type LayerExporter } from '../layer-export'

function exportPool(op: 'MaxPool' | 'AveragePool'): LayerExporter {
  return (c) => {
    const x = c.inputs[0]
    const kernel = pair(configOf<number | number[]>(c, 'pool_size'))
    const strides = pair((c.node.config.strides as number | number[] | null) ?? kernel)
    const pads = padsFor(configOf<string>(c, 'padding'), x.shape.slice(0, 2), kernel, strides)
    // TF averages over the pixels inside the image only: count_include_pad = 0 (ONNX's default).
    const y = c.g.node(op, [c.nchw(x)], { name: `${c.node.name}/${op.toLowerCase()}`, attrs: { kernel_shape: { ints: kernel }, strides: { ints: strides }, pads: { ints: pads } } })
    return valueOf(c, y, 'nchw')
  }
}

function exportGlobalPool(op: 'GlobalMaxPool' | 'GlobalAveragePool'): LayerExporter {
  return (c) => {
    if (c.node.config.keepdims === true) throw new Error(`ONNX export: layer '${c.node.name}' (${c.node.className}) with keepdims is not supported`)
    const pooled = c.g.node(op, [c.nchw(c.inputs[0])], { name: `${c.node.name}/${op.toLowerCase()}` })
    return valueOf(c, c.g.node('Flatten', [pooled], { name: `${c.node.name}/flatten`, attrs: { axis: { int: 1 } } }), 'tf')
  }
}

export const exportMaxPool = exportPool('MaxPool')
export const exportAveragePool = exportPool('AveragePool')
export const exportGlobalMaxPool = exportGlobalPool('GlobalMaxPool')
export const exportGlobalAveragePool = exportGlobalPool('GlobalAveragePool')
