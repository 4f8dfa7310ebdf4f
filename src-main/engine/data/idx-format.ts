/**
 * The IDX format of MNIST-style files (LeCun's `train-images-idx3-ubyte`, …), plain or gzipped.
 * Layout: a big-endian 32-bit magic (0x00 0x00 type ndims; type 0x08 = unsigned byte), one
 * big-endian 32-bit size per dimension, then the values. Every error is one line naming the file.
 * No TensorFlow here: `validate.ts` reads headers through this file before anything is queued.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { constants as zlibConstants, gunzipSync } from 'node:zlib'

export type IdxKind = 'images' | 'labels'

/** Expected magic numbers: unsigned bytes, 3 dims (n, rows, cols) for images, 1 dim for labels. */
export const IDX_MAGIC: Record<IdxKind, number> = { images: 0x00000803, labels: 0x00000801 }

export interface IdxHeader {
  kind: IdxKind
  /** Sizes of every dimension, the example count first. */
  dims: number[]
  count: number
  /** Bytes before the data. */
  headerBytes: number
  /** header + product of dims (one byte per value). */
  declaredBytes: number
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`
const thousands = (n: number): string => n.toLocaleString('en-US')

function describe(h: IdxHeader): string {
  return h.kind === 'images'
    ? `${thousands(h.count)} images of ${h.dims[1]}×${h.dims[2]}`
    : `${thousands(h.count)} labels`
}

/** Parses and checks the header at the start of `bytes` (the decompressed file, or its start). */
export function parseIdxHeader(bytes: Uint8Array, name: string, kind: IdxKind): IdxHeader {
  if (bytes.length < 4) throw new Error(`${name}: too short for an IDX file (${bytes.length} bytes)`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magic = view.getUint32(0, false)
  if (magic !== IDX_MAGIC[kind]) {
    throw new Error(`${name}: bad magic number ${hex(magic)}, expected ${hex(IDX_MAGIC[kind])} (IDX ${kind})`)
  }
  const ndims = magic & 0xff
  const headerBytes = 4 + 4 * ndims
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: too short for an IDX ${kind} header (${bytes.length} of ${headerBytes} bytes)`)
  }
  const dims: number[] = []
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false))
  if (dims[0] === 0) throw new Error(`${name}: the header declares 0 ${kind}`)
  if (kind === 'images' && (dims[1] === 0 || dims[2] === 0)) {
    throw new Error(`${name}: the header declares images of ${dims[1]}×${dims[2]} pixels`)
  }
  const declaredBytes = headerBytes + dims.reduce((a, b) => a * b, 1)
  return { kind, dims, count: dims[0], headerBytes, declaredBytes }
}

function checkLength(h: IdxHeader, actual: number, name: string): void {
  if (actual === h.declaredBytes) return
  const why = actual < h.declaredBytes ? 'truncated?' : 'trailing data'
  throw new Error(
    `${name}: the header declares ${describe(h)} (${thousands(h.declaredBytes)} bytes) ` +
      `but the file has ${thousands(actual)} bytes (${why})`,
  )
}

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b

/** zlib's refusals in words: a stream that stops early is a cut file, any other a damaged one. */
function gunzipFailure(e: unknown, name: string): Error {
  const cut = (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR'
  const what = cut
    ? 'the file is truncated (it ends before its compressed data does)'
    : `the file is damaged (${(e as Error).message})`
  return new Error(`${name}: cannot decompress gzip data: ${what}; fetch or copy it again`)
}

function gunzip(bytes: Uint8Array, name: string, partial: boolean): Buffer {
  try {
    return gunzipSync(bytes, partial ? { finishFlush: zlibConstants.Z_SYNC_FLUSH } : {})
  } catch (e) {
    throw gunzipFailure(e, name)
  }
}

function openError(path: string, name: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new Error(`${name}: file not found (${path})`)
  if (code === 'EISDIR') return new Error(`${name}: is a folder, not an IDX file (${path})`)
  return new Error(`${name}: cannot read ${path} (${code ?? (e as Error).message})`)
}

/**
 * Reads only the header (and the length) of an IDX file, gzipped or not, and checks the declared
 * sizes against the file length. For gzip the length is the trailer's ISIZE (size mod 2^32).
 */
export function readIdxHeader(path: string, name: string, kind: IdxKind): IdxHeader {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    throw openError(path, name, e)
  }
  try {
    const size = statSync(path).size
    if (size === 0) throw new Error(`${name}: the file is empty`)
    const head = Buffer.alloc(Math.min(size, 4096))
    readSync(fd, head, 0, head.length, 0)
    if (!isGzip(head)) {
      const h = parseIdxHeader(head, name, kind)
      checkLength(h, size, name)
      return h
    }
    const h = parseIdxHeader(gunzip(head, name, true), name, kind)
    const trailer = Buffer.alloc(4)
    readSync(fd, trailer, 0, 4, size - 4)
    // The trailer agrees in the common case; when it does not, the last four bytes may be a cut
    // file's compressed data rather than a length: decompress it all to tell which.
    if (trailer.readUInt32LE(0) !== h.declaredBytes % 2 ** 32)
      checkLength(h, gunzip(readFileSync(path), name, false).length, name)
    return h
  } finally {
    closeSync(fd)
  }
}

/** Reads a whole IDX file (gunzipping it when it starts with the gzip magic) and checks it. */
export function readIdxFile(path: string, name: string, kind: IdxKind): { header: IdxHeader; values: Uint8Array } {
  let raw: Buffer
  try {
    raw = readFileSync(path)
  } catch (e) {
    throw openError(path, name, e)
  }
  if (raw.length === 0) throw new Error(`${name}: the file is empty`)
  const bytes = isGzip(raw) ? gunzip(raw, name, false) : raw
  const header = parseIdxHeader(bytes, name, kind)
  checkLength(header, bytes.length, name)
  return { header, values: bytes.subarray(header.headerBytes) }
}

/** Encodes unsigned-byte values as an IDX file (used by tests and exports). */
export function encodeIdx(kind: IdxKind, dims: number[], values: Uint8Array): Buffer {
  const expectedDims = kind === 'images' ? 3 : 1
  if (dims.length !== expectedDims) throw new Error(`IDX ${kind} need ${expectedDims} dimension(s), got ${dims.length}`)
  const size = dims.reduce((a, b) => a * b, 1)
  if (values.length !== size) throw new Error(`IDX ${kind}: ${values.length} values for dims ${dims.join('×')}`)
  const out = Buffer.alloc(4 + 4 * dims.length + size)
  out.writeUInt32BE(IDX_MAGIC[kind], 0)
  dims.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i))
  out.set(values, 4 + 4 * dims.length)
  return out
}
