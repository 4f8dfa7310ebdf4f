/**
 * A real size for unstructured sparsity: every weight of the model is written either dense
 * (float32) or CSR-like — the tensor viewed as a matrix [rows = Π shape[:-1], cols = shape[-1]],
 * row pointers uint32, values float32, column indices uint16 (uint32 when cols > 65,536) — whichever
 * is smaller. The size of a sparse model is the byte length of what `sparseExport` returns.
 *
 * Layout: "CLSP" | u32 version | u32 header length | header JSON (UTF-8) | padding to 4 | blobs.
 * Each blob starts 4-byte aligned. A CSR blob is row pointers, values, column indices.
 */
import * as tf from '@tensorflow/tfjs'

const MAGIC = 'CLSP'
const VERSION = 1

/** How one weight was written. */
export interface SparseEntry {
  /** `<layer name>/<index of the weight in layer.getWeights()>`. */
  name: string
  shape: number[]
  encoding: 'dense' | 'csr'
  /** Non-zero count (CSR only). */
  nnz?: number
  /** Bytes per column index (CSR only). */
  indexBytes?: 2 | 4
  offset: number
  byteLength: number
}

/** A weight read back from a sparse export. */
export interface DecodedWeight {
  name: string
  shape: number[]
  values: Float32Array
}

const align4 = (n: number): number => (n + 3) & ~3

function matrixView(shape: number[]): { rows: number; cols: number } {
  if (shape.length === 0) return { rows: 1, cols: 1 }
  const cols = shape[shape.length - 1]
  return { rows: shape.slice(0, -1).reduce((a, b) => a * b, 1), cols }
}

function encodeWeight(
  values: Float32Array,
  shape: number[],
): { encoding: 'dense' | 'csr'; bytes: Uint8Array; nnz?: number; indexBytes?: 2 | 4 } {
  const { rows, cols } = matrixView(shape)
  let nnz = 0
  for (const v of values) if (v !== 0) nnz++
  const indexBytes: 2 | 4 = cols <= 65536 ? 2 : 4
  const csrBytes = 4 * (rows + 1) + 4 * nnz + indexBytes * nnz
  if (csrBytes >= 4 * values.length) {
    return {
      encoding: 'dense',
      bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    }
  }
  const out = new ArrayBuffer(align4(csrBytes))
  const rowPtr = new Uint32Array(out, 0, rows + 1)
  const vals = new Float32Array(out, 4 * (rows + 1), nnz)
  const cols16 = indexBytes === 2 ? new Uint16Array(out, 4 * (rows + 1 + nnz), nnz) : null
  const cols32 = indexBytes === 4 ? new Uint32Array(out, 4 * (rows + 1 + nnz), nnz) : null
  let k = 0
  for (let r = 0; r < rows; r++) {
    rowPtr[r] = k
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c]
      if (v === 0) continue
      vals[k] = v
      if (cols16 !== null) cols16[k] = c
      else (cols32 as Uint32Array)[k] = c
      k++
    }
  }
  rowPtr[rows] = k
  return { encoding: 'csr', bytes: new Uint8Array(out, 0, csrBytes), nnz, indexBytes }
}

/** Writes every weight of the model, sparse where that is smaller; the byte length is its size. */
export async function sparseExport(model: tf.LayersModel): Promise<Uint8Array> {
  const entries: SparseEntry[] = []
  const blobs: Uint8Array[] = []
  let offset = 0
  for (const layer of model.layers) {
    for (const [i, w] of layer.getWeights().entries()) {
      const values = Float32Array.from((await w.data()) as Float32Array)
      const { encoding, bytes, nnz, indexBytes } = encodeWeight(values, w.shape)
      entries.push({
        name: `${layer.name}/${i}`,
        shape: w.shape,
        encoding,
        nnz,
        indexBytes,
        offset,
        byteLength: bytes.byteLength,
      })
      blobs.push(bytes)
      offset = align4(offset + bytes.byteLength)
    }
  }
  const header = new TextEncoder().encode(JSON.stringify({ weights: entries }))
  const start = align4(12 + header.byteLength)
  const out = new Uint8Array(start + offset)
  const view = new DataView(out.buffer)
  out.set(new TextEncoder().encode(MAGIC), 0)
  view.setUint32(4, VERSION, true)
  view.setUint32(8, header.byteLength, true)
  out.set(header, 12)
  entries.forEach((e, i) => out.set(blobs[i], start + e.offset))
  return out
}

/** Reads a `sparseExport` back into dense float32 weights. */
export function sparseImport(bytes: Uint8Array): DecodedWeight[] {
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC)
    throw new Error('not a Compression Lab sparse export (bad magic)')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const version = view.getUint32(4, true)
  if (version !== VERSION) throw new Error(`unsupported sparse export version ${version}`)
  const headerLength = view.getUint32(8, true)
  const { weights } = JSON.parse(
    new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)),
  ) as { weights: SparseEntry[] }
  const start = align4(12 + headerLength)
  // Copy into an aligned buffer so typed-array views can be made at any offset.
  const body = bytes.slice(start).buffer
  return weights.map((e) => {
    const size = e.shape.reduce((a, b) => a * b, 1)
    if (e.encoding === 'dense')
      return {
        name: e.name,
        shape: e.shape,
        values: new Float32Array(body.slice(e.offset, e.offset + 4 * size)),
      }
    const { rows, cols } = matrixView(e.shape)
    const nnz = e.nnz ?? 0
    const rowPtr = new Uint32Array(body, e.offset, rows + 1)
    const vals = new Float32Array(body, e.offset + 4 * (rows + 1), nnz)
    const idxOffset = e.offset + 4 * (rows + 1 + nnz)
    const colIdx =
      e.indexBytes === 4
        ? new Uint32Array(body, idxOffset, nnz)
        : new Uint16Array(body, idxOffset, nnz)
    const values = new Float32Array(size)
    for (let r = 0; r < rows; r++)
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) values[r * cols + colIdx[k]] = vals[k]
    return { name: e.name, shape: e.shape, values }
  })
}

/** Loads a sparse export into a model of the same architecture (weights matched by layer name). */
export function loadSparseWeights(model: tf.LayersModel, bytes: Uint8Array): void {
  const byName = new Map(sparseImport(bytes).map((w) => [w.name, w]))
  for (const layer of model.layers) {
    const current = layer.getWeights()
    if (current.length === 0) continue
    const next = current.map((w, i) => {
      const decoded = byName.get(`${layer.name}/${i}`)
      if (decoded === undefined) throw new Error(`sparse export has no weight '${layer.name}/${i}'`)
      if (decoded.shape.join(',') !== w.shape.join(',')) {
        throw new Error(
          `weight '${decoded.name}' has shape [${decoded.shape}] in the export but [${w.shape}] in the model`,
        )
      }
      return tf.tensor(decoded.values, decoded.shape)
    })
    layer.setWeights(next)
    tf.dispose(next)
  }
}
