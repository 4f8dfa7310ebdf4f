/**
 * What the Runs view asks for first (the newest runs), shared by the early request of
 * `prefetch.ts` and the runs store, which takes that request's answer once or makes the same call
 * itself. Imports nothing: the early request is built into a script of its own.
 */
export const FIRST_RUNS_INPUT = { sort: 'id', direction: 'desc', limit: 100 } as const

declare global {
  interface Window {
    /** The prefetched `runs.list` envelope (JSON), when this page started one. */
    __complabFirstRuns?: Promise<unknown>
  }
}
