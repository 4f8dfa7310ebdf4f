/**
 * Add and Concatenate. Their inputs are brought to one layout first: NCHW when they are feature
 * maps (a residual add or a channel concatenation between convolutions stays on NCHW), TF.js
 * order otherwise.
 */
import { valueOf, type LayerExportContext, type LayerExporter, type OnnxValue } from '../layer-export'

/** The inputs' names in one layout, and that layout. */
function sameLayout(c: LayerExportContext): { names: string[]; layout: OnnxValue['layout'] } {
  const maps = c.inputs.every((v) => v.shape.length === 3)
  const layout = maps && c.inputs.some((v) => v.layout === 'nchw') ? 'nchw' : 'tf'
  return { names: c.inputs.map((v) => (layout === 'nchw' ? c.nchw(v) : c.tfOrder(v))), layout }
}

export const exportAdd: LayerExporter = (c) => {
  const { names, layout } = sameLayout(c)
  let sum = names[0]
  for (let i = 1; i < names.length; i++) sum = c.g.node('Add', [sum, names[i]], { name: `${c.node.name}/add` })
  return valueOf(c, sum, layout)
}

export const exportConcatenate: LayerExporter = (c) => {
  const { names, layout } = sameLayout(c)
  const rank = c.node.outputShape.length + 1
  const raw = Number(c.node.config.axis ?? -1)
  const axis = raw < 0 ? rank + raw : raw
  // In NCHW the channel axis (last in TF.js order) is 1; height and width move one place right.
  const onnxAxis = layout === 'nchw' ? [0, 2, 3, 1][axis] : axis
  return valueOf(c, c.g.node('Concat', names, { name: `${c.node.name}/concat`, attrs: { axis: { int: onnxAxis } } }), layout)
}
