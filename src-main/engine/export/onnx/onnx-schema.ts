/**
 * The subset of ONNX's `onnx.proto` (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, IR
 * version 7, the one opset 13 belongs to) that an exported model uses, as a protobufjs JSON
 * descriptor: field names and numbers exactly as the schema has them (camelCase, as protobufjs
 * names them), so the encoder is protobufjs's and the bytes are ONNX's. Fields the exporter never
 * writes (sparse tensors, training info, functions, external data) are left out; a decoder skips
 * them when it reads a model written elsewhere.
 */
import type { INamespace } from 'protobufjs'

type FieldList = Record<string, [type: string, id: number, rule?: 'repeated']>

/** protobufjs field descriptors from `name: [type, id, rule?]` entries. */
const fields = (list: FieldList): Record<string, { type: string; id: number; rule?: string }> =>
  Object.fromEntries(Object.entries(list).map(([name, [type, id, rule]]) => [name, { type, id, ...(rule ? { rule } : {}) }]))

export const ONNX_SCHEMA: INamespace = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: fields({
            name: ['string', 1],
            refAttrName: ['string', 21],
            docString: ['string', 13],
            type: ['AttributeType', 20],
            f: ['float', 2],
            i: ['int64', 3],
            s: ['bytes', 4],
            t: ['TensorProto', 5],
            g: ['GraphProto', 6],
            floats: ['float', 7, 'repeated'],
            ints: ['int64', 8, 'repeated'],
            strings: ['bytes', 9, 'repeated'],
            tensors: ['TensorProto', 10, 'repeated'],
            graphs: ['GraphProto', 11, 'repeated'],
          }),
          nested: {
            AttributeType: {
              values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 },
            },
          },
        },
        ValueInfoProto: {
          fields: fields({ name: ['string', 1], type: ['TypeProto', 2], docString: ['string', 3] }),
        },
        NodeProto: {
          fields: fields({
            input: ['string', 1, 'repeated'],
            output: ['string', 2, 'repeated'],
            name: ['string', 3],
            opType: ['string', 4],
            domain: ['string', 7],
            attribute: ['AttributeProto', 5, 'repeated'],
            docString: ['string', 6],
          }),
        },
        ModelProto: {
          fields: fields({
            irVersion: ['int64', 1],
            opsetImport: ['OperatorSetIdProto', 8, 'repeated'],
            producerName: ['string', 2],
            producerVersion: ['string', 3],
            domain: ['string', 4],
            modelVersion: ['int64', 5],
            docString: ['string', 6],
            graph: ['GraphProto', 7],
          }),
        },
        GraphProto: {
          fields: fields({
            node: ['NodeProto', 1, 'repeated'],
            name: ['string', 2],
            initializer: ['TensorProto', 5, 'repeated'],
            docString: ['string', 10],
            input: ['ValueInfoProto', 11, 'repeated'],
            output: ['ValueInfoProto', 12, 'repeated'],
            valueInfo: ['ValueInfoProto', 13, 'repeated'],
          }),
        },
        TensorProto: {
          fields: fields({
            dims: ['int64', 1, 'repeated'],
            dataType: ['int32', 2],
            floatData: ['float', 4, 'repeated'],
            int32Data: ['int32', 5, 'repeated'],
            stringData: ['bytes', 6, 'repeated'],
            int64Data: ['int64', 7, 'repeated'],
            name: ['string', 8],
            docString: ['string', 12],
            rawData: ['bytes', 9],
            doubleData: ['double', 10, 'repeated'],
            uint64Data: ['uint64', 11, 'repeated'],
          }),
          nested: {
            DataType: {
              values: { UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11 },
            },
          },
        },
        TensorShapeProto: {
          fields: fields({ dim: ['Dimension', 1, 'repeated'] }),
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: fields({ dimValue: ['int64', 1], dimParam: ['string', 2], denotation: ['string', 3] }),
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: fields({ tensorType: ['Tensor', 1], denotation: ['string', 6] }),
          nested: {
            Tensor: { fields: fields({ elemType: ['int32', 1], shape: ['TensorShapeProto', 2] }) },
          },
        },
        OperatorSetIdProto: {
          fields: fields({ domain: ['string', 1], version: ['int64', 2] }),
        },
      },
    },
  },
}

/** ONNX element types the exporter writes (`TensorProto.DataType`). */
export const ONNX_TYPE = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 } as const
export type OnnxElementType = (typeof ONNX_TYPE)[keyof typeof ONNX_TYPE]

/** `AttributeProto.AttributeType` values. */
export const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const
