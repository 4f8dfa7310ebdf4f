/**
 * The one LabConnection of this page: IPC inside Electron (the preload set `window.lab`),
 * HTTP + WebSocket in a browser. Stores import `lab` from here; components never do.
 */
import { createHttpTransport } from './http-transport'
import { createIpcTransport } from './ipc-transport'
import type { LabConnection } from './lab-connection'

export const lab: LabConnection = window.lab ? createIpcTransport(window.lab) : createHttpTransport()
export { LabCallError } from './lab-connection'
export type { ConnectionState, LabConnection } from './lab-connection'
