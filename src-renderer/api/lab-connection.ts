/**
 * The renderer's view of the lab: the contract's `LabClient` plus the state of the event stream,
 * so stores can take a fresh snapshot after a reconnect (events sent meanwhile were missed).
 */
import type { Envelope, ErrorCode, LabClient } from '../../src-shared/contract'

export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface LabConnection extends LabClient {
  readonly transport: 'electron' | 'browser'
  readonly state: ConnectionState
  /** Called on every state change; returns its own unsubscribe function. */
  onStateChange(handler: (state: ConnectionState) => void): () => void
}

/** A failed call, carrying the contract's error code and details for the UI to show. */
export class LabCallError extends Error {
  constructor(
    readonly code: ErrorCode | 'transport',
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'LabCallError'
  }
}

/** Returns the data of an ok envelope, or throws its error. */
export function unwrap<T>(envelope: Envelope<unknown>): T {
  if (envelope.ok) return envelope.data as T
  throw new LabCallError(envelope.error.code, envelope.error.message, envelope.error.details)
}

/** True when `value` has the shape of an envelope (anything else came from a proxy or a bug). */
export function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  const v = value as { ok: unknown; error?: unknown }
  if (v.ok === true) return 'data' in v
  return v.ok === false && typeof v.error === 'object' && v.error !== null
}
