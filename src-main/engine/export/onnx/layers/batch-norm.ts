/**
 * BatchNormalization in inference mode as y = a · x + shift with a = γ / √(σ² + ε) and
 * shift = β − μ · a (Ioffe & Szegedy 2015, eq. in Alg. 2 with the moving statistics); folded into
 * the Dense/Conv before it where it can be (`models/batch-norm-fold.ts`), a Mul and an Add over the channels otherwise.
 */
import { batchNormAffine } from '../../../models/batch-norm-fold'
import type { LayerExporter } from '../layer-export'
import { valueOf } from '../layer-export'

export const exportBatchNorm: LayerExporter = (c) => {
  const x = c.inputs[0]
  if (c.isFolded) return { ...x, shape: c.node.outputShape }
  const { scale, shift } = batchNormAffine(c.layer, c.node.config, c.values)
  const nchw = x.layout === 'nchw'
  const dims = nchw ? [scale.length, 1, 1] : [scale.length]
  const a = c.g.floats(`${c.node.name}/scale`, scale, dims)
  const b = c.g.floats(`${c.node.name}/shift`, shift, dims)
  const mul = c.g.node('Mul', [x.name, a], { name: `${c.node.name}/mul` })
  return valueOf(c, c.g.node('Add', [mul, b], { name: `${c.node.name}/add` }), x.layout)
}
