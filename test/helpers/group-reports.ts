/** A pruning run's group report as the store keeps it (not a test file itself): a residual group and a plain one. */
import type { PruneGroupReport } from '../../src-shared/contract/groups'

export const GROUP_REPORTS: PruneGroupReport[] = [
  {
    name: 'stem',
    members: [
      { layer: 'stem', kind: 'Conv2D', role: 'producer' },
      { layer: 'b1_conv2', kind: 'Conv2D', role: 'producer' },
      { layer: 'stem_bn', kind: 'BatchNormalization', role: 'batch-norm' },
      { layer: 'b1_add', kind: 'Add', role: 'coupling' },
      { layer: 'b2_conv1', kind: 'Conv2D', role: 'consumer' },
    ],
    unitsBefore: 16,
    unitsAfter: 8,
    score: 0.25,
  },
  { name: 'b1_conv1', members: [{ layer: 'b1_conv1', kind: 'Conv2D', role: 'producer' }], unitsBefore: 16, unitsAfter: 12, score: null },
]
