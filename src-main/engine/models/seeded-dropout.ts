/**
 * A Dropout layer whose masks come from a seeded stream (seed + call number) instead of
 * Math.random, so a run is reproducible from its seed. It serialises as a plain Keras `Dropout`
 * (same class name and config), so saved models load anywhere. tfjs' own Dropout with a fixed
 * `seed` would draw the *same* mask at every step, which is why the seed must advance.
 */
import * as tf from '@tensorflow/tfjs'

type DropoutLayer = ReturnType<typeof tf.layers.dropout>
type DropoutArgs = Parameters<typeof tf.layers.dropout>[0]
type CallKwargs = Parameters<DropoutLayer['call']>[1]

const DropoutBase = tf.layers.dropout({ rate: 0.5 }).constructor as new (args: DropoutArgs) => DropoutLayer

export class SeededDropout extends DropoutBase {
  private readonly dropRate: number
  private readonly baseSeed: number
  private calls = 0

  constructor(args: { rate: number; seed: number; name?: string }) {
    super({ rate: args.rate, ...(args.name ? { name: args.name } : {}) })
    this.dropRate = args.rate
    this.baseSeed = args.seed
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs
      if (kwargs['training'] !== true || this.dropRate <= 0 || this.dropRate >= 1) return x
      const seed = (this.baseSeed + Math.imul(++this.calls, 0x9e3779b1)) >>> 0
      return tf.dropout(x, this.dropRate, undefined, seed)
    })
  }
}
