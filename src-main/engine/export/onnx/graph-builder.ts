/**
 * An ONNX graph under construction: initializers (weights, as little-endian raw data), nodes in
 * topological order, one dynamic-batch input and output, and the model around them (opset 13,
 * IR version 7), encoded with protobufjs from the schema in `onnx-schema.ts`.
 */
import protobuf from 'protobufjs'
import { ATTRIBUTE_TYPE, ONNX_SCHEMA, ONNX_TYPE, type OnnxElementType } from './onnx-schema'

/** The opset every exported model declares (per-channel QuantizeLinear/DequantizeLinear need 13). */
export const ONNX_OPSET = 13
/** The IR version of opset 13. */
export const ONNX_IR_VERSION = 7

const root = protobuf.Root.fromJSON(ONNX_SCHEMA)
const ModelProto = root.lookupType('onnx.ModelProto')

/** One attribute value, tagged by its ONNX type. */
export type AttrValue = { int: number } | { float: number } | { ints: readonly number[] } | { floats: readonly number[] } | { string: string }

/** Typed array an initializer can hold. */
export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | Uint16Array | BigInt64Array

const TYPE_OF = (data: TensorData, float16: boolean): OnnxElementType => {
  if (data instanceof Float32Array) return ONNX_TYPE.float
  if (data instanceof Int8Array) return ONNX_TYPE.int8
  if (data instanceof Uint8Array) return ONNX_TYPE.uint8
  if (data instanceof Int32Array) return ONNX_TYPE.int32
  if (data instanceof BigInt64Array) return ONNX_TYPE.int64
  if (float16) return ONNX_TYPE.float16
  throw new Error('ONNX export: a Uint16Array initializer must be float16 bits')
}

function attribute(name: string, v: AttrValue): Record<string, unknown> {
  if ('int' in v) return { name, type: ATTRIBUTE_TYPE.int, i: v.int }
  if ('float' in v) return { name, type: ATTRIBUTE_TYPE.float, f: v.float }
  if ('ints' in v) return { name, type: ATTRIBUTE_TYPE.ints, ints: [...v.ints] }
  if ('floats' in v) return { name, type: ATTRIBUTE_TYPE.floats, floats: [...v.floats] }
  return { name, type: ATTRIBUTE_TYPE.string, s: new TextEncoder().encode(v.string) }
}

/** Little-endian bytes of a typed array (ONNX raw_data is little-endian; so is every host we run on). */
function rawBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
}

/** A tensor shape with its batch dimension named (dynamic) and the rest fixed. */
function valueInfo(name: string, dims: readonly (number | string)[]): Record<string, unknown> {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }))
  return { name, type: { tensorType: { elemType: ONNX_TYPE.float, shape: { dim } } } }
}

/** Builds one ONNX graph: every name made unique, every node's output returned to chain on. */
export class OnnxGraphBuilder {
  private readonly nodes: Record<string, unknown>[] = []
  private readonly initializers: Record<string, unknown>[] = []
  private readonly inputs: Record<string, unknown>[] = []
  private readonly outputs: Record<string, unknown>[] = []
  private readonly used = new Set<string>()
  /** Bytes of every initializer, by name (the model's weights as stored). */
  readonly initializerBytes = new Map<string, number>()

  /** `base`, or `base_1`, `base_2`, … when taken. */
  unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_')
    let name = clean
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`
    this.used.add(name)
    return name
  }

  /** A weight or constant; returns its name. `float16` marks a Uint16Array as half-precision bits. */
  initializer(base: string, data: TensorData, dims: readonly number[], o: { float16?: boolean } = {}): string {
    const name = this.unique(base)
    const expected = dims.reduce((a, d) => a * d, 1)
    if (expected !== data.length) throw new Error(`ONNX export: initializer ${name} has ${data.length} values for shape [${dims.join(', ')}]`)
    this.initializers.push({ name, dims: [...dims], dataType: TYPE_OF(data, o.float16 === true), rawData: rawBytes(data) })
    this.initializerBytes.set(name, data.byteLength)
    return name
  }

  /** A float32 scalar or vector constant. */
  floats(base: string, values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    return this.initializer(base, Float32Array.from(values), dims)
  }

  /** An int64 vector constant (shapes, axes). */
  int64s(base: string, values: readonly number[]): string {
    return this.initializer(base, BigInt64Array.from(values.map((v) => BigInt(v))), [values.length])
  }

  /** A node with one output; returns that output's name. */
  node(opType: string, inputs: readonly string[], o: { name: string; attrs?: Record<string, AttrValue> }): string {
    const output = this.unique(o.name)
    const attrs = Object.entries(o.attrs ?? {}).map(([k, v]) => attribute(k, v))
    this.nodes.push({ opType, input: [...inputs], output: [output], name: output, attribute: attrs })
    return output
  }

  /** A float32 graph input; `batch` marks the dynamic batch dimension. */
  input(name: string, dims: readonly (number | string)[]): string {
    this.used.add(name)
    this.inputs.push(valueInfo(name, dims))
    return name
  }

  /** Declares `name` (a node output) a float32 graph output. */
  output(name: string, dims: readonly (number | string)[]): void {
    this.outputs.push(valueInfo(name, dims))
  }

  /** The model as ONNX protobuf bytes. */
  encode(o: { graphName: string; docString?: string }): Uint8Array {
    const model = {
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'compression-lab',
      producerVersion: '0.1.0',
      docString: o.docString ?? '',
      graph: {
        name: o.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    }
    const problem = ModelProto.verify(model)
    if (problem) throw new Error(`ONNX export: the model does not fit the schema: ${problem}`)
    return ModelProto.encode(ModelProto.fromObject(model)).finish()
  }
}

/** A decoded ONNX model as plain objects (for tests and checks; int64 as numbers). */
export function decodeOnnxModel(bytes: Uint8Array): Record<string, unknown> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false }) as Record<string, unknown>
}
