/** The `complab` command as a user runs it: a real process, the wasm backend unless told. */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// From the module's URL, so this helper also runs outside vitest (the bench runs under tsx as ESM).
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(PROJECT_ROOT, 'bin', 'complab.mjs')
const ENV = { ...process.env, COMPLAB_BACKEND: 'wasm' }

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `complab args` to its end, without blocking the test worker's event loop. */
export function complab(args: string[], cwd = PROJECT_ROOT): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, encoding: 'utf8', timeout: 240_000, env: ENV },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Starts `complab args` and leaves it running (`complab serve`); stdout and stderr are kept. */
export function startComplab(args: string[], env: Record<string, string> = {}): {
  child: ChildProcess
  stdout(): string
  stderr(): string
  exited: Promise<number | null>
} {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: { ...ENV, ...env } })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, stdout: () => out, stderr: () => err, exited }
}
