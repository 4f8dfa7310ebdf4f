/** The parent side of `lab-process.ts`: spawn a lab process, read what it says, ask it things. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { LabProcessConfig, LabProcessMessage } from './lab-process'
import { tsxImport } from './process-launcher'

const SCRIPT = fileURLToPath(new URL('./lab-process.ts', import.meta.url))

export interface LabChild {
  readonly child: ChildProcess
  readonly messages: LabProcessMessage[]
  /** Resolves with the first message (already received or to come) that satisfies `test`. */
  waitFor<T extends LabProcessMessage>(test: (m: LabProcessMessage) => m is T, timeoutMs?: number): Promise<T>
  waitFor(test: (m: LabProcessMessage) => boolean, timeoutMs?: number): Promise<LabProcessMessage>
  call(method: string, input: unknown, timeoutMs?: number): Promise<unknown>
  /** Asks the lab to stop and resolves with the exit code. */
  stop(): Promise<number | null>
  kill(): Promise<void>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stderr(): string
}

export interface SpawnOptions {
  /** `ulimit -f` in KiB for the lab process: writes past this file size fail (a full disk). */
  fileSizeLimitKb?: number
  uid?: number
  gid?: number
  env?: Record<string, string>
}

/** Starts `lab-process.ts` with `config`. */
export function spawnLab(config: LabProcessConfig, options: SpawnOptions = {}): LabChild {
  const node = [process.execPath, '--import', tsxImport(), SCRIPT, JSON.stringify(config)]
  const [cmd, ...args] =
    options.fileSizeLimitKb !== undefined
      ? ['/bin/sh', '-c', `ulimit -f ${options.fileSizeLimitKb} && exec "$0" "$@"`, ...node]
      : node
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
  })
  let err = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (c: string) => {
    err = (err + c).slice(-8192)
  })
  const messages: LabProcessMessage[] = []
  const waiters = new Set<{ test: (m: LabProcessMessage) => boolean; resolve: (m: LabProcessMessage) => void }>()
  child.on('message', (raw) => {
    const m = raw as LabProcessMessage
    messages.push(m)
    for (const w of [...waiters]) {
      if (w.test(m)) {
        waiters.delete(w)
        w.resolve(m)
      }
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let nextId = 1
  const waitFor = (test: (m: LabProcessMessage) => boolean, timeoutMs = 60_000): Promise<LabProcessMessage> => {
    const seen = messages.find(test)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const entry = {
        test,
        resolve: (m: LabProcessMessage) => {
          clearTimeout(timer)
          resolve(m)
        },
      }
      const timer = setTimeout(() => {
        waiters.delete(entry)
        reject(new Error(`the lab process did not say what was awaited within ${timeoutMs} ms; stderr: ${err}`))
      }, timeoutMs)
      waiters.add(entry)
      void exited.then(({ code, signal }) => {
        if (!waiters.has(entry)) return
        waiters.delete(entry)
        clearTimeout(timer)
        reject(new Error(`the lab process exited (${signal ?? code}) before saying what was awaited; stderr: ${err}`))
      })
    })
  }
  return {
    child,
    messages,
    waitFor: waitFor as LabChild['waitFor'],
    async call(method, input, timeoutMs = 30_000) {
      const id = nextId++
      child.send({ type: 'call', id, method, input })
      const reply = await waitFor((m) => m.type === 'reply' && m.id === id, timeoutMs)
      return (reply as Extract<LabProcessMessage, { type: 'reply' }>).envelope
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.connected) child.send({ type: 'stop' })
      return (await exited).code
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    exited,
    stderr: () => err,
  }
}
