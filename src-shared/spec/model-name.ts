/**
 * A model as people read it: `mlp 800-800`, `lenet5 6-16`, `custom 5 layers`. The run labels of a
 * launch (a grid over the student, the students alone of several architectures) and the lab's
 * tables (the teacher × student matrix, the Sweeps pivot) use this one implementation.
 */

/** A model's name from its flattened params (`model.arch`, `model.hidden`, …). */
export function modelName(params: Record<string, unknown>): string {
  const arch = String(params['model.arch'] ?? 'model')
  const list = (v: unknown): string => (Array.isArray(v) ? v.join('-') : String(v))
  let name = arch
  if (arch === 'mlp' && params['model.hidden'] !== undefined) name += ` ${list(params['model.hidden'])}`
  if ((arch === 'lenet5' || arch === 'tinyYolo' || arch === 'denseStackedStudent') && params['model.filters'] !== undefined) name += ` ${list(params['model.filters'])}`
  if (arch === 'custom' && Array.isArray(params['model.layers'])) name += ` ${params['model.layers'].length} layers`
  if ((arch === 'resnet' || arch === 'vgg') && params['model.depth'] !== undefined) name += `-${String(params['model.depth'])}`
  if (arch === 'resnet' && params['model.widths'] !== undefined) name += ` ${list(params['model.widths'])}`
  const wm = params['model.widthMultiplier']
  if ((arch === 'vgg' || arch === 'mobilenetv2') && wm !== undefined && Number(wm) !== 1) name += ` ×${String(wm)}`
  const dropout = Number(params['model.dropout'] ?? 0)
  return dropout > 0 ? `${name} dropout ${dropout}` : name
}

/** The name of a model spec object (`{ arch: 'mlp', hidden: [16] }` → `mlp 16`). */
export function modelSpecName(model: Record<string, unknown>): string {
  return modelName(Object.fromEntries(Object.entries(model).map(([k, v]) => [`model.${k}`, v])))
}
