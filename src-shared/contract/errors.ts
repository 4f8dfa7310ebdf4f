/** The error envelope every method answers with when it fails. */
export const ERROR_CODES = ['invalid_input', 'not_found', 'conflict', 'unauthorized', 'unavailable', 'internal'] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorBody {
  code: ErrorCode
  message: string
  details?: unknown
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody }

/** An error a method raises on purpose; turned into an envelope by the service. */
export class LabError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'LabError'
  }
}
