/**
 * What the Electron preload exposes as `window.lab` (src-main/electron/preload.ts), and nothing
 * more: a method call that resolves to the contract's envelope, and event subscriptions that
 * return their own unsubscribe function. Names are checked against the contract in the preload.
 */
import type { Envelope } from '../../src-shared/contract'

export interface LabBridge {
  call(method: string, input: unknown): Promise<Envelope<unknown>>
  subscribe(event: string, handler: (payload: unknown) => void): () => void
}
