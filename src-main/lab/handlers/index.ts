/**
 * One handler per contract method, kept by domain (DESIGN §5): experiments, runs, compare and
 * sweeps, export, files, system. `createHandlers` binds them all to one lab; the type checks that
 * every method of the contract is served exactly once.
 */
import { runAdminRepo } from '../../store/run-admin'
import { attemptHandlers } from './attempts'
import { compareHandlers } from './compare'
import type { HandlerContext, Handlers } from './context'
import { experimentHandlers } from './experiments'
import { exportHandlers } from './export'
import { fileHandlers } from './files'
import { groupHandlers } from './groups'
import { runHandlers } from './runs'
import { summaryHandlers } from './summary'
import { systemHandlers } from './system'
import { viewHandlers } from './views'

export type { HandlerContext, Handlers } from './context'

/** The handlers of every method of the contract, bound to one lab. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const domain = { ...ctx, admin: runAdminRepo(ctx.store.db) }
  return {
    ...experimentHandlers(domain),
    ...runHandlers(domain),
    ...compareHandlers(domain),
    ...exportHandlers(domain),
    ...fileHandlers(domain),
    ...systemHandlers(domain),
    ...groupHandlers(domain),
    ...attemptHandlers(domain),
    ...summaryHandlers(domain),
    ...viewHandlers(domain),
  }
}
