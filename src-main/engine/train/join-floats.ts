/** Parts of one typed array kind (per-batch outputs, per-weight bytes) joined into one, in order. */
export function joinArrays<T extends Float32Array | Uint8Array>(parts: readonly T[], make: (length: number) => T): T {
  const out = make(parts.reduce((a, p) => a + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Float32 parts (per-batch outputs) joined into one array, in order. */
export const joinFloats = (parts: readonly Float32Array[]): Float32Array => joinArrays(parts, (n) => new Float32Array(n))
