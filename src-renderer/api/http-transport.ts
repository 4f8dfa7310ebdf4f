/**
 * The browser transport: methods as `POST /api/<method>`, events over one WebSocket at
 * `/api/events` that reconnects with backoff. The access token (when the server needs one) comes
 * in the page URL once; it is kept for this tab and removed from the address bar.
 */
import type { EventName, EventPayloads, MethodInput, MethodName, MethodOutputs } from '../../src-shared/contract'
import { LabCallError, isEnvelope, unwrap, type ConnectionState, type LabConnection } from './lab-connection'

const TOKEN_KEY = 'complab.token'
const MIN_BACKOFF_MS = 500
const MAX_BACKOFF_MS = 10_000

/** Takes `?token=` out of the URL into session storage; returns the token to use, if any. */
function adoptToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    try {
      window.sessionStorage.setItem(TOKEN_KEY, fromUrl)
    } catch {
      // Storage disabled: the server's cookie still carries the token.
    }
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

type AnyHandler = (payload: unknown) => void

/** The lab over HTTP + WebSocket, relative to the page's own origin and path. */
export function createHttpTransport(): LabConnection {
  const token = adoptToken()
  const apiBase = new URL('api/', new URL('/', window.location.href))
  const handlers = new Map<string, Set<AnyHandler>>()
  const stateHandlers = new Set<(state: ConnectionState) => void>()
  let state: ConnectionState = 'connecting'
  let socket: WebSocket | null = null
  let backoff = MIN_BACKOFF_MS
  let reconnectTimer: number | undefined

  const setState = (next: ConnectionState): void => {
    if (next === state) return
    state = next
    for (const handler of stateHandlers) handler(next)
  }

  const sendSubscription = (): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ subscribe: [...handlers.keys()] }))
  }

  const connect = (): void => {
    const wsUrl = new URL('events', apiBase)
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:'
    if (token) wsUrl.searchParams.set('token', token)
    const ws = new WebSocket(wsUrl)
    socket = ws
    ws.addEventListener('open', () => {
      backoff = MIN_BACKOFF_MS
      sendSubscription()
      setState('open')
    })
    ws.addEventListener('message', (message: MessageEvent<string>) => {
      let data: { event?: unknown; payload?: unknown }
      try {
        data = JSON.parse(message.data) as { event?: unknown; payload?: unknown }
      } catch {
        return
      }
      if (typeof data.event !== 'string') return
      for (const handler of handlers.get(data.event) ?? []) {
        try {
          handler(data.payload)
        } catch (e) {
          console.error(`handler of ${data.event} failed`, e)
        }
      }
    })
    ws.addEventListener('close', () => {
      if (socket !== ws) return
      socket = null
      setState('closed')
      reconnectTimer = window.setTimeout(connect, backoff)
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    })
  }
  connect()
  window.addEventListener('online', () => {
    if (socket === null) {
      window.clearTimeout(reconnectTimer)
      backoff = MIN_BACKOFF_MS
      connect()
    }
  })

  return {
    transport: 'browser',
    get state() {
      return state
    },
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutputs[M]> {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' }
      if (token) headers.Authorization = `Bearer ${token}`
      let response: Response
      try {
        response = await fetch(new URL(method, apiBase), {
          method: 'POST',
          headers,
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
          cache: 'no-store',
        })
      } catch (e) {
        throw new LabCallError('transport', `the lab server cannot be reached (${(e as Error).message})`)
      }
      let body: unknown
      try {
        body = await response.json()
      } catch {
        throw new LabCallError('transport', `${method}: HTTP ${response.status} without a JSON reply`)
      }
      if (!isEnvelope(body)) throw new LabCallError('transport', `${method}: HTTP ${response.status}, malformed reply`)
      return unwrap<MethodOutputs[M]>(body)
    },
    subscribe<E extends EventName>(event: E, handler: (payload: EventPayloads[E]) => void): () => void {
      const entry: AnyHandler = (payload) => handler(payload as EventPayloads[E])
      let set = handlers.get(event)
      if (!set) {
        handlers.set(event, (set = new Set()))
        sendSubscription()
      }
      set.add(entry)
      return () => {
        set.delete(entry)
        if (set.size === 0 && handlers.get(event) === set) {
          handlers.delete(event)
          sendSubscription()
        }
      }
    },
    onStateChange(handler) {
      stateHandlers.add(handler)
      return () => {
        stateHandlers.delete(handler)
      }
    },
  }
}
