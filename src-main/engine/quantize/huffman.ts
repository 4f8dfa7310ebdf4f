/**
 * Huffman coding of quantized weights, the third step of Deep Compression (Han et al. 2016, §4):
 * the int8 (or uint8) values of each kernel coded with a code built from their own frequencies.
 * What is counted is the coded size as stored: the code bits (rounded up to bytes) plus the code
 * table (one code length byte per symbol that occurs, with the symbol: 2 bytes each), per kernel.
 */
import type { KernelEncoding } from './kernel-encoding'

/** Total bits of the values coded with the Huffman code of their own frequencies. */
export function huffmanBits(counts: readonly number[]): number {
  // Each merge of the two rarest weights adds their sum to the total code length (Huffman 1952).
  const heap = counts.filter((c) => c > 0).sort((a, b) => a - b)
  if (heap.length === 1) return heap[0]
  let bits = 0
  while (heap.length > 1) {
    const merged = (heap.shift() as number) + (heap.shift() as number)
    bits += merged
    let i = 0
    while (i < heap.length && heap[i] < merged) i++
    heap.splice(i, 0, merged)
  }
  return bits
}

/** Bytes of a kernel's integer values Huffman-coded (with its code table); null for a float kernel. */
export function huffmanKernelBytes(e: KernelEncoding): number | null {
  if (e.kind !== 'int8' && e.kind !== 'uint8') return null
  const counts = new Array<number>(256).fill(0)
  for (const q of e.q) counts[q & 0xff]++
  const symbols = counts.filter((c) => c > 0).length
  return Math.ceil(huffmanBits(counts) / 8) + 2 * symbols
}
