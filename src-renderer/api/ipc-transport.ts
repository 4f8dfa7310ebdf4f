/** The Electron transport: `window.lab` from the preload (IPC to the main process). */
import type { EventName, EventPayloads, MethodInput, MethodName, MethodOutputs } from '../../src-shared/contract'
import type { LabBridge } from './bridge'
import { LabCallError, isEnvelope, unwrap, type LabConnection } from './lab-connection'

/** Wraps the preload's bridge; IPC has no connection to lose, so the state is always open. */
export function createIpcTransport(bridge: LabBridge): LabConnection {
  return {
    transport: 'electron',
    state: 'open',
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutputs[M]> {
      const envelope = await bridge.call(method, input)
      if (!isEnvelope(envelope)) throw new LabCallError('transport', `malformed reply to ${method}`)
      return unwrap<MethodOutputs[M]>(envelope)
    },
    subscribe<E extends EventName>(event: E, handler: (payload: EventPayloads[E]) => void): () => void {
      return bridge.subscribe(event, (payload) => handler(payload as EventPayloads[E]))
    },
    onStateChange() {
      return () => {}
    },
  }
}
