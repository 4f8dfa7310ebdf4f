/** The lab's event bus: typed contract events; each subscription returns its own unsubscribe. */
import type { EventName, EventPayloads } from '../../src-shared/contract'

type Handler<E extends EventName> = (payload: EventPayloads[E]) => void

export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void
  subscribe<E extends EventName>(event: E, handler: Handler<E>): () => void
}

/** A bus where one failing subscriber cannot stop the others or the scheduler. */
export function createEventBus(onHandlerError: (err: unknown) => void = () => {}): EventBus {
  const handlers = new Map<EventName, Set<(payload: never) => void>>()
  return {
    emit(event, payload) {
      for (const h of [...(handlers.get(event) ?? [])]) {
        try {
          ;(h as Handler<typeof event>)(payload)
        } catch (err) {
          onHandlerError(err)
        }
      }
    },
    subscribe(event, handler) {
      let set = handlers.get(event)
      if (!set) {
        set = new Set()
        handlers.set(event, set)
      }
      // A fresh wrapper per registration: the unsubscribe removes exactly this one, even when the
      // same function was subscribed twice (CONVENTIONS: no remove-by-other-key).
      const entry = ((payload: EventPayloads[typeof event]) => handler(payload)) as (
        payload: never,
      ) => void
      set.add(entry)
      return () => {
        handlers.get(event)?.delete(entry)
      }
    },
  }
}
