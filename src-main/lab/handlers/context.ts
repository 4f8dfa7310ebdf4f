/**
 * What every domain's handlers are bound to (one lab), and the type of a map of handlers: each
 * receives input already validated by its method's zod schema and returns the method's output or
 * throws a `LabError`.
 */
import {
  LabError,
  type MethodName,
  type MethodOutputs,
  type MethodParsedInput,
} from '../../../src-shared/contract'
import type { Scheduler } from '../../scheduler/index'
import type { Store } from '../../store/index'
import type { RunAdminRepo } from '../../store/run-admin'
import type { EventBus } from '../events'

export interface HandlerContext {
  store: Store
  scheduler: Scheduler
  events: EventBus
  dataDir: string
  concurrency: number
  /** Refuse spec file paths outside the data folder (a lab serving a browser). */
  confinePaths?: boolean
  /** The workers of the queue the lab sends runs to (issue 17), when it has one. */
  queueWorkers?: () => Promise<MethodOutputs['queue.workers']>
}

/** The context with the run-administration statements, prepared once per lab. */
export type DomainContext = HandlerContext & { admin: RunAdminRepo }

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutputs[M]> | MethodOutputs[M]
}

/** The handlers of some methods (one domain). */
export type DomainHandlers<M extends MethodName> = Pick<Handlers, M>

export function notFound(what: string): LabError {
  return new LabError('not_found', `${what} does not exist`)
}
