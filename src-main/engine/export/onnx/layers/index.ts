/** Layer class name → its ONNX exporter: one entry per layer kind the lab builds or imports. */
import type { LayerExporter } from '../layer-export'
import { exportActivation, exportLeakyRelu, exportRelu, exportSoftmax } from './activations'
import { exportBatchNorm } from './batch-norm'
import { exportAdd, exportConcatenate } from './merge'
import { exportAveragePool, exportGlobalAveragePool, exportGlobalMaxPool, exportMaxPool } from './pooling'
import { exportFlatten, exportIdentity, exportSpaceToDepth } from './reshape'
import { exportConv2d, exportDense, exportDepthwiseConv2d } from './weighted'

export const LAYER_EXPORTERS: Readonly<Record<string, LayerExporter>> = {
  InputLayer: exportIdentity,
  Dropout: exportIdentity,
  Dense: exportDense,
  Conv2D: exportConv2d,
  DepthwiseConv2D: exportDepthwiseConv2d,
  BatchNormalization: exportBatchNorm,
  MaxPooling2D: exportMaxPool,
  AveragePooling2D: exportAveragePool,
  GlobalMaxPooling2D: exportGlobalMaxPool,
  GlobalAveragePooling2D: exportGlobalAveragePool,
  Activation: exportActivation,
  ReLU: exportRelu,
  LeakyReLU: exportLeakyRelu,
  Softmax: exportSoftmax,
  Add: exportAdd,
  Concatenate: exportConcatenate,
  Flatten: exportFlatten,
  SpaceToDepth: exportSpaceToDepth,
}

/** The layer kinds with a weight kernel (the ones quantization stores in fewer bits). */
export const KERNEL_LAYERS: ReadonlySet<string> = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D'])

/** The exporter of `className`, or an error naming the layer and the kinds that export. */
export function layerExporter(className: string, layerName: string): LayerExporter {
  const exporter = LAYER_EXPORTERS[className]
  if (!exporter) throw new Error(`ONNX export: layer '${layerName}' is a ${className}, which ONNX export does not know (it exports ${Object.keys(LAYER_EXPORTERS).join(', ')})`)
  return exporter
}
