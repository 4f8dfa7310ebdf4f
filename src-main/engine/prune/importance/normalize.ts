/**
 * Layer-wise L2 normalisation of importance scores — Molchanov et al., ICLR 2017, eq. (8):
 * Θ̂_k = Θ_k / sqrt(Σ_j Θ_j²), which lets the units of different layers be ranked together.
 */

/** Θ / ‖Θ‖₂ over one layer's units (an all-zero layer stays zero). */
export function l2NormalizeScores(theta: Float32Array): Float32Array {
  let sq = 0
  for (const v of theta) sq += v * v
  const norm = Math.sqrt(sq)
  return norm > 0 ? theta.map((v) => v / norm) : theta.slice()
}
