/**
 * The pruning engine (DESIGN §4 `prune`): what goes together (structure), how to cut (surgery),
 * which units (importance/), when (schedules), plus Singh et al.'s sparsity framework, network
 * slimming, unstructured masks with a real sparse size, measurements, sensitivity and the P1 loop.
 */
export { analyzeStructure, findGroup, memberNames, prunableLayer, supportedLayerClasses } from './structure'
export type { GroupConsumer, GroupMember, GroupOwner, PruneGroup, PruneStructure, ScoredLayer } from './structure'
export { traceChannels } from './channel-trace'
export type { ChannelTrace } from './channel-trace'
export { groupScores, scoreGroups } from './group-scores'
export type { GroupReduction, GroupScoreOptions } from './group-scores'
export { firstUnsupportedLayer, layerKindOf } from './layer-kinds/registry'
export { buildLayerGraph } from './graph'
export type { GraphNode, LayerGraph } from './graph'
export { forwardLayers } from './forward'
export type { ForwardOptions, ForwardResult } from './forward'
export { parameterCount, removeUnits, validateRemovalPlan } from './surgery'
export type { RemovalPlan } from './surgery'
export { createImportanceScorer, importanceCriteria } from './importance/registry'
export type { ScorerOptions } from './importance/registry'
export { taylorImportance, unitMegaMacs, TAYLOR_FLOPS_LAMBDA } from './importance/taylor'
export type { TaylorOptions } from './importance/taylor'
export { l2NormalizeScores } from './importance/normalize'
export type {
  Batch,
  BatchProvider,
  ImportanceContext,
  ImportanceScorer,
  ImportanceScores,
  LossFunction,
} from './importance/types'
export { removedCount, selectGlobal, selectPerLayer, selectProportional } from './select'
export type { GlobalSelection, PerLayerSelection } from './select'
export {
  globalThreshold,
  kernelLayerNames,
  l1Penalty,
  selectByLayerStatistics,
  zeroBelowThreshold,
} from './sparsity'
export type {
  FilterStatistics,
  GlobalThresholdOptions,
  GlobalThresholdResult,
  LayerStatisticsOptions,
  ThresholdTrial,
} from './sparsity'
export { bnScalePenalty, networkSlimmingPlan, slimmableBatchNorms } from './network-slimming'
export {
  agpSchedule,
  agpSparsity,
  iterativeCounts,
  iterativeSchedule,
  oneShotSchedule,
} from './schedules'
export type { AgpOptions, ScheduleStep } from './schedules'
export { applyMasks, disposeMasks, magnitudeMasks, maskSparsity } from './masks'
export type { MagnitudeMaskOptions, WeightMasks } from './masks'
export { loadSparseWeights, sparseExport, sparseImport } from './sparse-export'
export type { DecodedWeight, SparseEntry } from './sparse-export'
export { inferenceLatency, measureModel, nonZeroParameterCount, serializedBytes } from './measure'
export type { LatencyMeasure, ModelMeasure } from './measure'
export { sensitivityAnalysis, SENSITIVITY_RATIOS } from './sensitivity'
export type { SensitivityOptions, SensitivityRow } from './sensitivity'
export { iterativePruning } from './prune-loop'
export type { IterativePruningOptions, IterativePruningResult, PruneStepReport } from './prune-loop'
