/**
 * The event stream over WebSocket (`/api/events`): one lab subscription per event name, fanned
 * out to every client. A client may send `{ "subscribe": ["run.status", …] }` to narrow what it
 * receives; until then it receives everything. Messages are `{ event, payload }`.
 */
import { WebSocketServer, type WebSocket } from 'ws'
import { EVENT_NAMES, type EventName } from '../../src-shared/contract'
import type { Lab } from '../lab/types'

/** Past this many queued bytes a client is slow: progress updates are dropped for it. */
const SLOW_CLIENT_BYTES = 1 << 20
/** Past this a client is not reading at all: it is disconnected rather than let memory grow. */
const STALLED_CLIENT_BYTES = 16 << 20
/** Events that only refresh what the next one replaces, so a slow client can skip them. */
const DROPPABLE: ReadonlySet<EventName> = new Set<EventName>(['run.progress'])
const PING_INTERVAL_MS = 30_000
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024

interface Client {
  socket: WebSocket
  /** null: every event. */
  events: Set<EventName> | null
  alive: boolean
}

function parseSubscription(data: string): Set<EventName> | string {
  let message: unknown
  try {
    message = JSON.parse(data)
  } catch {
    return 'messages must be JSON'
  }
  if (typeof message !== 'object' || message === null || !('subscribe' in message)) return 'expected { "subscribe": [event names] }'
  const names = (message as { subscribe: unknown }).subscribe
  if (!Array.isArray(names)) return 'subscribe must be an array of event names'
  const known = new Set<string>(EVENT_NAMES)
  const unknown = names.filter((n) => typeof n !== 'string' || !known.has(n))
  if (unknown.length) return `unknown event names: ${unknown.map(String).join(', ')}`
  return new Set(names as EventName[])
}

/** The socket side of the server. */
export interface EventHub {
  readonly wss: WebSocketServer
  close(): Promise<void>
}

/** Subscribes to every lab event and relays them to connected sockets. */
export function createEventHub(lab: Lab): EventHub {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false })
  const clients = new Set<Client>()

  const broadcast = (event: EventName, payload: unknown): void => {
    if (!clients.size) return
    const text = JSON.stringify({ event, payload })
    for (const client of clients) {
      if (client.events && !client.events.has(event)) continue
      const queued = client.socket.bufferedAmount
      if (queued > STALLED_CLIENT_BYTES) {
        client.socket.terminate()
        continue
      }
      if (queued > SLOW_CLIENT_BYTES && DROPPABLE.has(event)) continue
      client.socket.send(text)
    }
  }
  const unsubscribes = EVENT_NAMES.map((event) => lab.subscribe(event, (payload) => broadcast(event, payload)))

  wss.on('connection', (socket) => {
    const client: Client = { socket, events: null, alive: true }
    clients.add(client)
    socket.on('pong', () => {
      client.alive = true
    })
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        socket.send(JSON.stringify({ error: 'binary messages are not accepted' }))
        return
      }
      const parsed = parseSubscription(data.toString())
      if (typeof parsed === 'string') socket.send(JSON.stringify({ error: parsed }))
      else {
        client.events = parsed
        socket.send(JSON.stringify({ subscribed: [...parsed] }))
      }
    })
    socket.on('close', () => clients.delete(client))
    socket.on('error', () => clients.delete(client))
  })

  // A client that vanished without a close frame (sleep, network drop) is found by ping.
  const ping = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate()
        clients.delete(client)
        continue
      }
      client.alive = false
      client.socket.ping()
    }
  }, PING_INTERVAL_MS)
  ping.unref()

  return {
    wss,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ping)
        for (const unsubscribe of unsubscribes) unsubscribe()
        for (const client of clients) client.socket.close(1001, 'server closing')
        // Sockets that do not answer the close frame promptly are cut.
        const force = setTimeout(() => {
          for (const client of clients) client.socket.terminate()
        }, 1000)
        force.unref()
        wss.close(() => {
          clearTimeout(force)
          resolve()
        })
      }),
  }
}
