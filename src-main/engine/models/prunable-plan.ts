/**
 * The prunable layers of the model a spec describes, without TensorFlow (so the launch-time checks
 * can judge pruning targets before the parent is trained): name, units and whether a
 * BatchNormalization follows. A classifier's Dense/Conv2D layers all feed another layer except the
 * logits; a detector's convolutions all do except the detection head. Names are those the builders
 * give in the worker that trains the parent (a fresh process: TF.js numbers unnamed layers of each
 * class from 1, e.g. `conv2d_Conv2D1`, `dense_Dense2`; detectors name theirs `conv1`, `fuse`, …).
 */
import type { DetectionModelSpec, ModelSpec } from '../../../src-shared/spec/schema'
import { isDetectionModel, isNetModel } from '../../../src-shared/spec/schema'
import { planModel } from './model-plan'
import { netGroups } from './net-groups'

export interface PlannedUnits {
  name: string
  units: number
  batchNorm: boolean
}

const AUTO_NAMES = { conv2d: ['conv2d', 'Conv2D'], dense: ['dense', 'Dense'] } as const

function classifierUnits(spec: ModelSpec, inputShape: readonly number[], numClasses: number | null): PlannedUnits[] | null {
  const last = spec.arch === 'custom' ? spec.layers[spec.layers.length - 1] : undefined
  // A last linear dense layer may be the logits or not, depending on the class count.
  if (numClasses === null && last?.type === 'dense' && last.activation === 'linear') return null
  const plan = planModel(spec, inputShape, numClasses ?? 10)
  if (plan.issues.length) return null
  const counts = { conv2d: 0, dense: 0 }
  const layers: PlannedUnits[] = []
  plan.layers.forEach((l, i) => {
    const s = l.spec
    if (s.type !== 'conv2d' && s.type !== 'dense') return
    const [prefix, cls] = AUTO_NAMES[s.type]
    const name = s.name ?? `${prefix}_${cls}${++counts[s.type]}`
    layers.push({ name, units: s.type === 'conv2d' ? s.filters : s.units, batchNorm: plan.layers[i + 1]?.spec.type === 'batchNorm' })
  })
  // The last kernel layer is the logits (its units are the model output).
  return layers.slice(0, -1)
}

function detectorUnits(m: DetectionModelSpec): PlannedUnits[] {
  const conv = (name: string, units: number): PlannedUnits => ({ name, units, batchNorm: m.batchNorm })
  if (m.arch === 'tinyYolo') return [...m.filters, ...m.gridFilters].map((f, i) => conv(`conv${i + 1}`, f))
  const stackFrom = m.stackFrom ?? [m.filters.length - 2, m.filters.length - 1].filter((i) => i >= 0)
  const layers: PlannedUnits[] = []
  m.filters.forEach((f, i) => {
    layers.push(conv(`conv${i + 1}`, f))
    if (stackFrom.includes(i)) layers.push(conv(`stack${i + 1}_bottleneck`, m.bottleneck))
  })
  let k = m.filters.length
  for (const [squeeze, expand] of m.gridBlocks) layers.push(conv(`conv${++k}`, squeeze), conv(`conv${++k}`, expand))
  return [...layers, conv('fuse', m.fuseFilters)]
}

/**
 * The prunable layers of a spec's model on inputs of `inputShape` (`numClasses` when known); null
 * when the model cannot be planned exactly.
 */
export function prunableUnits(spec: ModelSpec, inputShape: readonly number[], numClasses: number | null): PlannedUnits[] | null {
  if (isNetModel(spec)) return netGroups(spec, inputShape, numClasses ?? 10) // graphs: their dependency groups
  return isDetectionModel(spec) ? detectorUnits(spec) : classifierUnits(spec, inputShape, numClasses)
}
