/**
 * Issue 17 "done when", on a small scale (the bench's `queue` row runs the 60 runs): a sweep of
 * tiny runs over three `complab worker` processes with separate data folders, through BullMQ on
 * a real Redis (AOF, a password), while a worker, Redis and the lab are each killed once at
 * seeded moments. Every run finishes once; the database is intact; no metric point is lost or
 * stored twice; every model arrives whole. `COMPLAB_FUZZ_SEED` replays another order of faults.
 */
import { describe, expect, it } from 'vitest'
import { HAVE_REDIS } from '../helpers/redis-server'
import { sweepWithFaults } from '../helpers/queue-sweep'
import { testSeed } from '../helpers/seeded-random'

const RUNS = 12

describe.skipIf(!HAVE_REDIS)('a sweep over three workers while a worker, Redis and the lab are killed', () => {
  it(`ends with all ${RUNS} runs finished, each point stored once`, async () => {
    const seed = testSeed(17)
    const out = await sweepWithFaults({ runs: RUNS, seed, timeoutMs: 240_000 })
    const why = `seed ${seed}, faults ${JSON.stringify(out.faults)}\n${out.workerOutput}`
    expect(out.faults.map((f) => f.fault).sort(), why).toEqual(['lab', 'redis', 'worker'])
    expect(out.statuses, why).toEqual({ finished: RUNS })
    expect(out.integrity).toBe('ok')
    expect(out.lost, why).toEqual([])
    expect(out.extra, why).toEqual([])
    expect(out.duplicated, why).toEqual([])
    expect(out.damaged, why).toEqual([])
    // Redis was away while workers trained: they kept their events and sent them after.
    expect(out.buffered, why).toBe(true)
  }, 300_000)
})
