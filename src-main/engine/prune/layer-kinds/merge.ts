/**
 * Element-wise merges of equally shaped tensors — Add (the residual connection), Subtract,
 * Multiply, Average, Maximum, Minimum: output channel i is computed from channel i of every input,
 * so channel i of every input forms one coupled set (METHODS G1: "the output channels of every
 * layer whose outputs are summed by an Add"). Removing it from all of them leaves the others'
 * outputs unchanged when its values are zero in every input.
 */
import { sameChannels, type LayerKind, type TraceStep } from './types'

/** Couples channel i of every input with channel i of the first; the output carries the first's ids. */
export function coupleInputs(step: TraceStep): Int32Array {
  const [first, ...rest] = step.inputs
  for (const other of rest) {
    if (other.length !== first.length) {
      step.fail(`merges inputs of ${first.length} and ${other.length} channels; pruning needs equal widths`)
    }
    for (let i = 0; i < first.length; i++) step.couple(first[i], other[i])
  }
  return sameChannels(step)
}

export const mergeKind: LayerKind = {
  classes: ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'],
  trace: coupleInputs,
}
