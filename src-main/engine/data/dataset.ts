/** One labelled split of a dataset: `n` examples, features row-major (NHWC per example). */
export interface DataSplit {
  /** n × prod(inputShape) values, example after example. */
  x: Float32Array
  /** n class indices in [0, numClasses). */
  y: Int32Array
  n: number
}

/** A classification dataset as the engine sees it, whatever its source (DESIGN §4 `data`). */
export interface Dataset {
  name: string
  /** Shape of one example, e.g. [28, 28, 1] for grey images, [n] for flat feature vectors. */
  inputShape: number[]
  numClasses: number
  train: DataSplit
  test: DataSplit
  classNames: string[]
  /** Per-channel statistics the pixels were normalised by (CIFAR, image folders), for the run log. */
  normalization?: { mean: number[]; sd: number[] }
  /** Files skipped as broken (image folders under onBroken skip), each named. */
  warnings?: { file: string; message: string }[]
}

/** Number of feature values of one example. */
export function featureSize(inputShape: readonly number[]): number {
  return inputShape.reduce((a, b) => a * b, 1)
}

/** A new split holding the examples at `indices`, in that order. */
export function takeExamples(split: DataSplit, indices: ArrayLike<number>, features: number): DataSplit {
  const n = indices.length
  const x = new Float32Array(n * features)
  const y = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const src = indices[i]
    x.set(split.x.subarray(src * features, (src + 1) * features), i * features)
    y[i] = split.y[src]
  }
  return { x, y, n }
}
