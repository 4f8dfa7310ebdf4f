/**
 * Starts run workers as Electron utility processes (DESIGN §1): the same worker entry as the
 * headless `child_process.fork` launcher, bundled as out/main/worker.js. An out-of-memory or a
 * crash there ends one run, never the app.
 */
import { utilityProcess } from 'electron'
import type { WorkerHandle, WorkerLauncher } from '../scheduler/launcher'
import type { ParentMessage, WorkerMessage } from '../worker/protocol'

/** A `WorkerLauncher` over `utilityProcess.fork(workerEntry)`. */
export function utilityProcessLauncher(workerEntry: string, env: NodeJS.ProcessEnv = process.env): WorkerLauncher {
  return {
    spawn(): WorkerHandle {
      const child = utilityProcess.fork(workerEntry, [], {
        serviceName: 'Compression Lab run',
        stdio: 'inherit',
        // The worker exits when this process is gone (see src-main/worker/index.ts).
        env: { ...env, COMPLAB_LAB_PID: String(process.pid) },
      })
      let exited = false
      child.once('exit', () => {
        exited = true
      })
      return {
        get pid() {
          return child.pid
        },
        send(message: ParentMessage) {
          if (!exited) child.postMessage(message)
        },
        onMessage(handler: (message: WorkerMessage) => void) {
          child.on('message', (message: WorkerMessage) => handler(message))
        },
        onExit(handler: (code: number | null, signal: string | null) => void) {
          // A utility process reports only a code; a kill shows as a non-zero code.
          child.once('exit', (code: number) => handler(code, null))
        },
        kill() {
          if (!exited) child.kill()
        },
      }
    },
  }
}
