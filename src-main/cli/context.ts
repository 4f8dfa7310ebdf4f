/** What every CLI command receives, and the helpers they share. */
import { basename, dirname, extname, join, resolve } from 'node:path'
import { createLab } from '../lab'
import { backendProblem } from '../lab/engine-api'
import { defaultDataDir } from '../lab/paths'
import type { Lab, LabOptions } from '../lab/types'
import { queueUrlFrom } from '../scheduler/remote/queue-url'

export interface CommandContext {
  out(line: string): void
  err(line: string): void
  options: Partial<Record<string, string | boolean>>
  args: string[]
}

/** Bad command-line input: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name]
  return typeof v === 'string' ? v : undefined
}

export function intOption(ctx: CommandContext, name: string, min = 0): number | undefined {
  const v = stringOption(ctx, name)
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got '${v}'`)
  return Number(v)
}

export function idList(ctx: CommandContext, name: string): number[] | undefined {
  const v = stringOption(ctx, name)
  if (v === undefined) return undefined
  const ids = v.split(',').map((s) => s.trim()).filter(Boolean)
  if (!ids.length || ids.some((s) => !/^\d+$/.test(s) || Number(s) < 1)) {
    throw new UsageError(`--${name} must be a comma-separated list of run ids, got '${v}'`)
  }
  return ids.map(Number)
}

/**
 * Where the database and the data folder are. `--db X` alone keeps the data beside it
 * (`X-data/`), so two databases in one folder never share artifact folders.
 */
export function labPaths(ctx: CommandContext): { dbPath: string; dataDir: string } {
  const db = stringOption(ctx, 'db')
  const dir = stringOption(ctx, 'data-dir')
  if (db) {
    const dbPath = resolve(db)
    const dataDir = dir ? resolve(dir) : join(dirname(dbPath), `${basename(dbPath, extname(dbPath))}-data`)
    return { dbPath, dataDir }
  }
  const dataDir = dir ? resolve(dir) : defaultDataDir()
  return { dbPath: join(dataDir, 'lab.db'), dataDir }
}

/**
 * Opens the lab of `--db`/`--data-dir` with `--concurrency` and `--backend`. A lab that will run
 * work first refuses a `--backend` that cannot run here (no WebGPU adapter, an unknown name): one
 * line with the fix, exit 2, before the database is opened or anything queued.
 */
export async function openLab(
  ctx: CommandContext,
  schedule: boolean,
  more: Pick<LabOptions, 'runOnlyLaunched'> = {},
): Promise<Lab> {
  const backend = stringOption(ctx, 'backend')
  const problem = schedule && backend !== undefined ? await backendProblem(backend) : null
  if (problem) throw new UsageError(problem)
  return createLab({ ...labPaths(ctx), schedule, ...labRunOptions(ctx), ...more })
}

/**
 * What `--concurrency`, `--backend`, `--queue` and `--attempts` ask of the lab's workers (run,
 * resume, serve). With a queue (`--queue URL` or `COMPLAB_QUEUE_URL`), runs go to remote workers;
 * `--concurrency N` then trains N of them here besides.
 */
export function labRunOptions(ctx: CommandContext): Pick<LabOptions, 'concurrency' | 'backend' | 'queue'> {
  const concurrency = intOption(ctx, 'concurrency', 1)
  const url = queueUrlFrom(stringOption(ctx, 'queue'))
  const queue = url ? { url, attempts: intOption(ctx, 'attempts', 1), local: concurrency ?? 0 } : undefined
  return { concurrency: concurrency ?? 1, backend: stringOption(ctx, 'backend'), queue }
}
