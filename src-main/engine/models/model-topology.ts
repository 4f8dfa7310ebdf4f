/**
 * What a TF.js layers `model.json` says about itself, read without TensorFlow (for the launch-time
 * checks of imported teachers and parents): the class of every layer, the shape of each input, the
 * number of outputs and, when the last layers tell it, the width of the output. `modelFit` says why
 * such a model does not fit a dataset; the worker applies the same function to the loaded model.
 */

/**
 * Every layer class TensorFlow.js 4.22 can deserialize, and the lab's own (SpaceToDepth).
 * `model-topology.test.ts` compares it with TF.js's registry, so an upgrade cannot leave it stale.
 */
export const KNOWN_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D',
  'AveragePooling3D', 'BatchNormalization', 'Bidirectional', 'CategoryEncoding', 'CenterCrop',
  'Concatenate', 'Conv1D', 'Conv2D', 'Conv2DTranspose', 'Conv3D', 'Conv3DTranspose', 'ConvLSTM2D',
  'ConvLSTM2DCell', 'Cropping2D', 'Dense', 'DepthwiseConv2D', 'Dot', 'Dropout', 'ELU', 'Embedding',
  'Flatten', 'Functional', 'GRU', 'GRUCell', 'GaussianDropout', 'GaussianNoise',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'InputLayer', 'LSTM', 'LSTMCell', 'LayerNormalization', 'LeakyReLU', 'Masking', 'MaxPooling1D',
  'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'Minimum', 'Model', 'Multiply', 'PReLU', 'Permute',
  'RNN', 'RandomWidth', 'ReLU', 'RepeatVector', 'Rescaling', 'Reshape', 'Resizing',
  'SeparableConv2D', 'Sequential', 'SimpleRNN', 'SimpleRNNCell', 'Softmax', 'SpaceToDepth',
  'SpatialDropout1D', 'StackedRNNCells', 'ThresholdedReLU', 'TimeDistributed', 'UpSampling2D',
  'ZeroPadding2D',
])

/** Layers that keep the width of what they are given: the output is as wide as the layer before. */
const SAME_WIDTH = new Set([
  'Activation', 'Softmax', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU', 'Dropout',
  'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'BatchNormalization', 'LayerNormalization',
])

/** A shape without the batch dimension; null entries are sizes the model leaves open. */
export type Shape = readonly (number | null)[]

/** A model's inputs and outputs as shapes; an unknown shape is null. */
export interface ModelShapes {
  inputs: (Shape | null)[]
  outputs: (Shape | null)[]
}

export interface TopologyFacts extends ModelShapes {
  /** Every layer, nested models' layers included, in file order. */
  layers: { className: string; name: string }[]
}

interface LayerEntry {
  class_name?: unknown
  name?: unknown
  config?: { name?: unknown; layers?: unknown; units?: unknown } & Record<string, unknown>
  inbound_nodes?: unknown
}

const dims = (s: Shape): string => `[${s.map((d) => d ?? '?').join(', ')}]`

function isEntry(v: unknown): v is LayerEntry & Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The layers of a Sequential/Functional config (old Keras files give Sequential's as a list). */
function layersOf(config: unknown): LayerEntry[] {
  const list = Array.isArray(config) ? config : isEntry(config) ? config.layers : undefined
  return Array.isArray(list) ? list.filter(isEntry) : []
}

function nameOf(layer: LayerEntry): string {
  const name = layer.config?.name ?? layer.name
  return typeof name === 'string' ? name : '?'
}

/** The declared input shape of a layer (`batch_input_shape`, Keras 3's `batch_shape`), batch cut. */
function declaredInput(layer: LayerEntry | undefined): Shape | null {
  const c = layer?.config
  const shape = c?.batch_input_shape ?? c?.batch_shape ?? c?.batchInputShape
  if (!Array.isArray(shape) || shape.length < 2) return null
  const rest = shape.slice(1)
  return rest.every((d) => d === null || Number.isInteger(d)) ? (rest as Shape) : null
}

/** The layer feeding `layer` in a functional graph (its first inbound tensor; Keras 2 and 3). */
function inboundName(layer: LayerEntry): string | null {
  const nodes = layer.inbound_nodes
  if (!Array.isArray(nodes)) return null
  const node: unknown = nodes[0]
  // Keras 2 / TF.js: [[[name, nodeIndex, tensorIndex, kwargs], …], …]
  if (Array.isArray(node) && Array.isArray(node[0]) && typeof node[0][0] === 'string') return node[0][0]
  // Keras 3: [{ args: [{ config: { keras_history: [name, …] } }] }]
  const args = isEntry(node) ? (node as { args?: unknown }).args : undefined
  const history = Array.isArray(args) && isEntry(args[0]) ? args[0].config?.keras_history : undefined
  return Array.isArray(history) && typeof history[0] === 'string' ? history[0] : null
}

/** The output width `[units]` of the chain ending at `index`, when a Dense layer settles it. */
function outputWidth(layers: LayerEntry[], index: number, functional: boolean): Shape | null {
  const byName = new Map(layers.map((l) => [nameOf(l), l]))
  let layer: LayerEntry | undefined = layers[index]
  for (let i = index, hops = 0; layer && hops <= layers.length; hops++) {
    const cls = String(layer.class_name)
    if (cls === 'Dense') {
      const units = layer.config?.units
      return Number.isInteger(units) ? [units as number] : null
    }
    if (!SAME_WIDTH.has(cls)) return null
    if (functional) {
      const from = inboundName(layer)
      layer = from === null ? undefined : byName.get(from)
    } else layer = layers[--i]
  }
  return null
}

/** Names in a functional config's `input_layers`/`output_layers` (`[[name, 0, 0], …]`). */
function endpointNames(list: unknown): string[] | null {
  if (!Array.isArray(list)) return null
  const names = list.map((e) => (Array.isArray(e) && typeof e[0] === 'string' ? e[0] : null))
  return names.every((n): n is string => n !== null) ? names : null
}

/** Reads a `modelTopology`; a string says why it is not one this lab can read. */
export function readTopology(topology: unknown): TopologyFacts | string {
  const root = isEntry(topology) && isEntry(topology.model_config) ? topology.model_config : topology
  if (!isEntry(root)) return 'its modelTopology is not an object'
  const kind = String(root.class_name)
  const layers = layersOf(root.config)
  if (!layers.length) return `its modelTopology (${kind}) has no layers`
  const all: TopologyFacts['layers'] = []
  const walk = (list: LayerEntry[]): void => {
    for (const l of list) {
      all.push({ className: String(l.class_name), name: nameOf(l) })
      if (l.class_name === 'Sequential' || l.class_name === 'Functional' || l.class_name === 'Model')
        walk(layersOf(l.config))
    }
  }
  walk(layers)
  if (kind === 'Sequential') {
    const first = layers[0]
    return {
      layers: all,
      inputs: [declaredInput(first)],
      outputs: [outputWidth(layers, layers.length - 1, false)],
    }
  }
  const config = root.config as Record<string, unknown>
  const inputs = endpointNames(config.input_layers)
  const outputs = endpointNames(config.output_layers)
  if (!inputs || !outputs) return `its modelTopology (${kind}) names no input_layers or output_layers`
  const index = new Map(layers.map((l, i) => [nameOf(l), i]))
  const at = (name: string): number => index.get(name) ?? -1
  return {
    layers: all,
    inputs: inputs.map((n) => declaredInput(layers[at(n)])),
    outputs: outputs.map((n) => (at(n) < 0 ? null : outputWidth(layers, at(n), true))),
  }
}

/** The first layer whose class TF.js cannot build, said in a line; null when every one is known. */
export function unknownLayer(facts: TopologyFacts): string | null {
  const i = facts.layers.findIndex((l) => !KNOWN_LAYER_CLASSES.has(l.className))
  if (i < 0) return null
  const l = facts.layers[i]
  return `layer ${i + 1} (${l.name}) is of class ${l.className}, which TensorFlow.js does not know (a custom layer?)`
}

/**
 * Why a model does not fit a dataset's examples and classes, or null when it does (or when what
 * is unknown cannot tell). `exact`: the input must be the examples' shape, not the same values flat.
 */
export function modelFit(
  model: ModelShapes,
  inputShape: readonly number[],
  numClasses: number | null,
  exact = false,
): string | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    return `it has ${model.inputs.length} inputs and ${model.outputs.length} outputs; one of each is needed`
  }
  const input = model.inputs[0]
  if (input) {
    const same = input.join() === inputShape.join()
    const flat = input.length === 1 && input[0] === inputShape.reduce((a, b) => a * b, 1)
    if (!same && !flat)
      return `it takes inputs of shape ${dims(input)} but the dataset's examples are ${dims(inputShape)}`
    if (!same && exact)
      return `it takes inputs of shape ${dims(input)}; pruning needs the dataset's examples as they are, ${dims(inputShape)}`
  }
  const output = model.outputs[0]
  if (output && numClasses !== null && (output.length !== 1 || output[0] !== numClasses)) {
    return `it outputs shape ${dims(output)} but the dataset has ${numClasses} classes`
  }
  return null
}

/** The words for weights that are not finite, the same at launch and in the worker. */
export function nonFiniteWeights(weight: string, bad: number, total: number): string {
  const of = `${bad.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`
  return `its weights hold NaN or infinite values (${of} in ${weight}); was it saved from a run that diverged?`
}
