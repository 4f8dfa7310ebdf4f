/**
 * `runs.summary`: the compression summary of one run (issue 18 item 7), the figures the run page's
 * summary card and the runs table's compression columns show: size and cost before → after (the
 * parent for a pruned run, the teacher for a distilled student), the measured speed-up, the quality
 * change in points against the parent, the student alone and the teacher, the same change over the
 * seeds of the run's configuration with its 95 % interval, and units per layer before → after.
 */
import { z } from 'zod'
import type { PairedDifference } from '../stats'
import { id } from './common'

export const summaryInputs = {
  'runs.summary': z.object({ id }).strict(),
  /** The gain over the student alone of every finished distilled student (of one experiment, or all). */
  'runs.studentGains': z.object({ experimentId: id.optional() }).strict(),
} as const

/** One size or cost before and after (`params`, `macs`, `serialized.bytes`, `latency.ms`). */
export interface SummaryFigure {
  /** The result key of the run (`params`); the metric registry says its unit. */
  key: string
  label: string
  before: number | null
  after: number | null
}

/** The run's quality against one reference run (or the value the run recorded of it). */
export interface QualityChange {
  /** `test.accuracy` or `test.mAP`. */
  metric: string
  against: 'parent' | 'student alone' | 'teacher'
  /** The reference's run, when it is a run of the lab. */
  runId: number | null
  reference: number
  value: number
  /** value − reference (a fraction: read ×100 as points). */
  change: number
}

/** The change over the seeds of the run's configuration (this run's seed among them). */
export type SeedChange = PairedDifference & Pick<QualityChange, 'metric' | 'against'>

export interface LayerChange {
  name: string
  kind: string
  /** Units or filters before and after pruning. */
  before: number
  after: number
}

export interface CompressionSummary {
  runId: number
  /** What the run did to a model; null for a run that compressed nothing (a teacher, a student alone). */
  kind: 'pruning' | 'distillation' | null
  task: 'classification' | 'detection'
  /** What "before" is: the unpruned parent or the teacher (null when no such model is known). */
  before: { role: 'parent' | 'teacher'; runId: number | null } | null
  figures: SummaryFigure[]
  /** Parent latency / latency, timed interleaved in the run (null when not measured). */
  speedup: number | null
  quality: QualityChange[]
  overSeeds: SeedChange[]
  layers: LayerChange[]
}

export interface SummaryOutputs {
  'runs.summary': CompressionSummary
  'runs.studentGains': { gains: StudentGain[] }
}

/** A distilled student's quality minus that of the same student trained alone, paired by seed. */
export interface StudentGain {
  runId: number
  /** The student alone it is measured against (same model, data, training and seed). */
  baselineRunId: number
  /** `test.accuracy`, or `test.mAP` for a detector. */
  metric: string
  /** value − baseline, a fraction (×100 reads as points). */
  gain: number
}
