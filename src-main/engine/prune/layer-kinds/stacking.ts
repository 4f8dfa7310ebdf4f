/**
 * Layers that rearrange channels without weights: Concatenate (METHODS G1: "the slices a
 * Concatenate places side by side"), Flatten (G1: "the dense inputs a Flatten derives from a
 * channel") and the detectors' SpaceToDepth (Mehta & Ozturk 2018, dense feature-map stacking).
 */
import { coupleInputs } from './merge'
import { configAxis, tiled, type LayerKind } from './types'

/** Concatenate on the channel axis: the inputs' channels side by side. On another axis: a merge. */
export const concatenateKind: LayerKind = {
  classes: ['Concatenate'],
  trace: (step) => {
    const rank = step.node.outputShape.length + 1
    if (configAxis(step.node, rank) !== rank - 1) return coupleInputs(step)
    const out = new Int32Array(step.inputs.reduce((a, ids) => a + ids.length, 0))
    let at = 0
    for (const ids of step.inputs) {
      out.set(ids, at)
      at += ids.length
    }
    return out
  },
}

/** Flatten, channels last: element (p, c) of [h, w, c] lands at p·c_total + c. */
export const flattenKind: LayerKind = {
  classes: ['Flatten'],
  trace: (step) => {
    const shape = step.inputShapes[0]
    if (shape.length <= 1) return step.inputs[0].slice()
    if (shape.some((d) => d < 0)) step.fail('has an input of unknown size; pruning needs fixed spatial sizes')
    return tiled(step.inputs[0], shape.slice(0, -1).reduce((a, b) => a * b, 1))
  },
}

/** SpaceToDepth with block b: input channel j (of C) lands at output channels k·C + j, k < b². */
export const spaceToDepthKind: LayerKind = {
  classes: ['SpaceToDepth'],
  trace: (step) => {
    const b = Number(step.node.config.block_size ?? step.node.config.blockSize)
    return tiled(step.inputs[0], b * b)
  },
}
