/**
 * The contract (DESIGN §2): one typed map of methods (request → response) and one of events.
 *
 * Electron IPC, the HTTP/WebSocket server and the CLI are thin adapters over the Lab service,
 * which implements these methods. Every input is validated with the zod schema below at the
 * adapter boundary (`LabService.handle`), and every failure is an error envelope.
 *
 * Each domain's methods live in `contract/<domain>.ts` (their input schemas, their response
 * types); this file joins them into the one map.
 */
import type { z } from 'zod'
import { artifactInputs, type ArtifactOutputs } from './contract/artifacts'
import { attemptInputs, type AttemptOutputs } from './contract/attempts'
import { catalogInputs, type CatalogOutputs } from './contract/catalog'
import { compareInputs, type CompareOutputs } from './contract/compare'
import type { EventName, EventPayloads } from './contract/events'
import { experimentInputs, type ExperimentOutputs } from './contract/experiments'
import { exportInputs, type ExportOutputs } from './contract/export'
import { groupInputs, type GroupOutputs } from './contract/groups'
import { modelExportInputs, type ModelExportOutputs } from './contract/model-export'
import { runInputs, type RunOutputs } from './contract/runs'
import { summaryInputs, type SummaryOutputs } from './contract/summary'
import { sweepInputs, type SweepOutputs } from './contract/sweeps'
import { viewInputs, type ViewOutputs } from './contract/views'

export type { ParamValue } from './contract/common'
export * from './contract/artifacts'
export * from './contract/catalog'
export * from './contract/compare'
export * from './contract/errors'
export * from './contract/events'
export * from './contract/experiments'
export * from './contract/export'
export * from './contract/groups'
export * from './contract/model-export'
export * from './contract/runs'
export * from './contract/summary'
export * from './contract/sweeps'
export * from './contract/attempts'
export * from './contract/views'

/** Method name → zod schema of its input. */
export const methodInputs = {
  ...experimentInputs,
  ...runInputs,
  ...compareInputs,
  ...exportInputs,
  ...catalogInputs,
  ...artifactInputs,
  ...sweepInputs,
  ...groupInputs,
  ...modelExportInputs,
  ...attemptInputs,
  ...summaryInputs,
  ...viewInputs,
} as const

export type MethodName = keyof typeof methodInputs
export type MethodInput<M extends MethodName> = z.input<(typeof methodInputs)[M]>
export type MethodParsedInput<M extends MethodName> = z.output<(typeof methodInputs)[M]>

/** Method name → response type. */
export type MethodOutputs = ExperimentOutputs &
  RunOutputs &
  CompareOutputs &
  ExportOutputs &
  CatalogOutputs &
  ArtifactOutputs &
  SweepOutputs &
  GroupOutputs &
  ModelExportOutputs &
  AttemptOutputs &
  SummaryOutputs &
  ViewOutputs

/** What every client (renderer, tests) talks to; the transports implement it. */
export interface LabClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutputs[M]>
  subscribe<E extends EventName>(event: E, handler: (payload: EventPayloads[E]) => void): () => void
}

export const METHOD_NAMES = Object.keys(methodInputs) as MethodName[]

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methodInputs, name)
}
