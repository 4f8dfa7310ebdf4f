/**
 * The dependency groups of a ResNet, VGG or MobileNetV2 spec, planned without TensorFlow: the net
 * plan (`net-plan.ts`) read as a layer graph and traced as the worker traces the built model
 * (`prune/planned-groups.ts`), so launch-time checks, the layer picker and `roundTo` see the same
 * groups as the run — e.g. a ResNet stage's convolutions summed by its Adds as one group.
 */
import type { NetModelSpec } from '../../../src-shared/spec/schema-nets'
import { layerGraph, type GraphNode } from '../prune/layer-graph'
import { plannedGroups, type PlannedGroup } from '../prune/planned-groups'
import { planNet, type NetOp } from './net-plan'

/** The Keras class `build-nets.ts` builds for each planned op. */
const CLASS: Record<NetOp['kind'], string> = {
  conv2d: 'Conv2D',
  depthwiseConv2d: 'DepthwiseConv2D',
  batchNorm: 'BatchNormalization',
  relu: 'ReLU',
  add: 'Add',
  maxPool2d: 'MaxPooling2D',
  globalAvgPool: 'GlobalAveragePooling2D',
  dropout: 'Dropout',
  dense: 'Dense',
}

/** The groups of the net a spec describes (name, units, BatchNormalization after every owner); null when it cannot be planned. */
export function netGroups(spec: NetModelSpec, inputShape: readonly number[], numClasses: number): PlannedGroup[] | null {
  const plan = planNet(spec, inputShape, numClasses)
  if (plan.issues.length || plan.nodes.length === 0) return null
  const nodes: GraphNode[] = [
    { name: 'input', className: 'InputLayer', inputs: [], config: {}, outputShape: [...inputShape] },
    ...plan.nodes.map((n) => ({ name: n.name, className: CLASS[n.op.kind], inputs: n.inputs, config: {}, outputShape: n.outputShape })),
  ]
  return plannedGroups(layerGraph('functional', nodes, [plan.nodes[plan.nodes.length - 1].name], [...inputShape]))
}
