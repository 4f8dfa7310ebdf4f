/** Browser mode: the contract over HTTP and WebSocket, and the built UI (DESIGN §8). */
export { startServer, ServerConfigError, MAX_BODY_BYTES, LARGE_BODY_BYTES } from './server'
export type { RunningServer, ServerOptions } from './server'
export { serveLab } from './serve'
export type { ServeOptions, ServedLab } from './serve'
