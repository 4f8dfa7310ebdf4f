/** Contract methods of experiments: validating and launching specs, the bundled examples. */
import { z } from 'zod'
import type { ExpansionIssue } from '../spec/expand'
import type { ExperimentSummary } from '../types'

export const experimentInputs = {
  'experiments.validate': z.object({ spec: z.unknown() }).strict(),
  'experiments.launch': z.object({ spec: z.unknown() }).strict(),
  'experiments.list': z.object({}).strict(),
  'specs.examples': z.object({}).strict(),
  'specs.schema': z.object({}).strict(),
  /** The prunable layers of the model a spec prunes, for the launch form's layer picker. */
  'specs.layers': z.object({ spec: z.unknown() }).strict(),
} as const

export interface ValidateResult {
  valid: boolean
  issues: ExpansionIssue[]
  runCount: number
  runs: { key: string; role: string; label: string }[]
}

export interface LaunchResult {
  experimentId: number
  runIds: number[]
}

/** A bundled example spec (`resources/examples/*.json`). */
export interface SpecExample {
  /** File name without `.json`. */
  name: string
  file: string
  description: string | null
  /** How many runs it launches, or null when it does not validate. */
  runCount: number | null
  spec: unknown
}

export interface ExperimentOutputs {
  'experiments.validate': ValidateResult
  'experiments.launch': LaunchResult
  'experiments.list': ExperimentSummary[]
  'specs.examples': SpecExample[]
  'specs.schema': Record<string, unknown>
  /** Layers by name with their units; `reason` instead when they cannot be told before the run. */
  'specs.layers': { layers: { name: string; units: number }[]; reason: string | null }
}
