/** The runs repository: the queue (DESIGN §1), each run's status, params and progress. */
import type Database from 'better-sqlite3'
import { runAdapters, type RunAdapters } from './run-adapter'
import { runQueries, type RunQueries } from './run-queries'
import { runWrites, type RunWrites } from './run-writes'

export type { RunRecord, RunSummaryBase } from './run-records'
export type { RunFilter } from './run-queries'
export type { NewRun } from './run-writes'

export type RunsRepo = RunQueries & RunWrites & RunAdapters

/** Prepares the runs statements once for this connection. */
export function runsRepo(db: Database.Database): RunsRepo {
  return { ...runWrites(db), ...runQueries(db), ...runAdapters(db) }
}
