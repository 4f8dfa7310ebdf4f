/**
 * The queue's rows of `npm run bench` (issue 17 "done when"), all measured in this one run on a
 * real redis-server with `complab worker` processes on this machine:
 *
 *  - overhead: a tiny run trained by a local lab, then by one remote worker, several times over;
 *    the median difference is what the queue adds to a run (target < 100 ms);
 *  - speed-up: a sweep of 20 tiny runs on two workers against one (target ≥ 1.6× on 2 cores);
 *  - ingest: metric points from workers into SQLite per second (target ≥ 50,000; queue-ingest.ts);
 *  - faults: the 60-run sweep over three workers with a worker, Redis and the lab each killed once
 *    (exactly 60 finished, integrity_check ok, no metric point lost or duplicated).
 *
 * Usage: node --import tsx test/bench/queue.ts [--pairs N] [--runs N] [--sweep N] [--out file.json] [rows…: overhead speedup ingest faults]
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { createLab } from '../../src-main/lab/index'
import { queueLab, startWorker, type TestWorker } from '../helpers/queue-workers'
import { sweepWithFaults, tinySweep } from '../helpers/queue-sweep'
import { HAVE_REDIS, startRedis } from '../helpers/redis-server'
import { tempDir } from '../unit/store/helpers'

function parse(argv: string[]): { pairs: number; runs: number; sweep: number; out: string | null; only: string[] } {
  const o = { pairs: 7, runs: 20, sweep: 60, out: null as string | null, only: [] as string[] }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--pairs') o.pairs = Number(argv[++i])
    else if (argv[i] === '--runs') o.runs = Number(argv[++i])
    else if (argv[i] === '--sweep') o.sweep = Number(argv[++i])
    else if (argv[i] === '--out') o.out = argv[++i]
    else o.only.push(argv[i])
  }
  return o
}

/** Seconds a lab takes to finish `runs` tiny runs (from launch to the last one stored). */
async function sweepSeconds(lab: Awaited<ReturnType<typeof createLab>>, runs: number, name: string): Promise<number> {
  const began = performance.now()
  const { experimentId, runIds } = await lab.call('experiments.launch', { spec: tinySweep(name, runs) })
  await lab.idle(experimentId)
  const seconds = (performance.now() - began) / 1000
  const list = await lab.call('runs.list', { experimentId, limit: runs + 10 })
  const finished = list.rows.filter((r) => runIds.includes(r.id) && r.status === 'finished').length
  if (finished !== runs) throw new Error(`${name}: ${finished} of ${runs} runs finished`)
  return seconds
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * Overhead: one tiny run in the lab, then the same run on one remote worker, `pairs` times (each
 * pair close in time, so a machine whose load changes weighs on both alike); the median of the
 * differences. Speed-up: a sweep of `runs` on one worker, then on two.
 */
async function overheadAndSpeedup(pairs: number, runs: number): Promise<Record<string, number>> {
  const local = tempDir()
  const here = await createLab({ dataDir: local.dir, backend: 'wasm', concurrency: 1 })
  const redis = await startRedis()
  const workers: TestWorker[] = []
  const remote = tempDir()
  let lab: Awaited<ReturnType<typeof queueLab>> | null = null
  try {
    workers.push(await startWorker(redis.url, 'one'))
    lab = await queueLab(remote.dir, redis.url)
    const localMs: number[] = []
    const remoteMs: number[] = []
    for (let i = 0; i < pairs; i++) {
      localMs.push((await sweepSeconds(here, 1, `local ${i}`)) * 1000)
      remoteMs.push((await sweepSeconds(lab, 1, `remote ${i}`)) * 1000)
    }
    const oneSeconds = await sweepSeconds(lab, runs, 'one worker')
    workers.push(await startWorker(redis.url, 'two'))
    const twoSeconds = await sweepSeconds(lab, runs, 'two workers')
    return {
      pairs,
      localMsPerRun: median(localMs),
      remoteMsPerRun: median(remoteMs),
      overheadMsPerRun: median(remoteMs.map((r, i) => r - localMs[i])),
      runs,
      oneWorkerSeconds: oneSeconds,
      twoWorkersSeconds: twoSeconds,
      speedup: oneSeconds / twoSeconds,
    }
  } finally {
    await lab?.stop()
    await here.stop()
    for (const w of workers) await w.kill('SIGTERM')
    await redis.stop()
    local.cleanup()
    remote.cleanup()
  }
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2))
  const wanted = (row: string): boolean => o.only.length === 0 || o.only.includes(row)
  if (!HAVE_REDIS) {
    console.log('queue: skipped, no /usr/bin/redis-server (apt-get install redis-server)')
    return
  }
  const load = { start: loadavg()[0], end: 0 }
  const result: Record<string, unknown> = {}
  if (wanted('overhead') || wanted('speedup')) {
    // `speedup` alone skips the overhead pairs (the sweeps are then all this row measures).
    const r = await overheadAndSpeedup(wanted('overhead') ? o.pairs : 0, o.runs)
    result.overhead = r
    if (r.pairs) console.log(`queue overhead: ${r.overheadMsPerRun.toFixed(0)} ms per run beyond training (target < 100): median of ${r.pairs} pairs, a tiny run took ${r.localMsPerRun.toFixed(0)} ms in the lab and ${r.remoteMsPerRun.toFixed(0)} ms on a remote worker`)
    if (wanted('speedup')) console.log(`queue speed-up: ${r.speedup.toFixed(2)}× on two workers over one (target ≥ 1.6): ${r.runs} tiny runs in ${r.oneWorkerSeconds.toFixed(1)} s on one, ${r.twoWorkersSeconds.toFixed(1)} s on two`)
  }
  if (wanted('ingest')) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'queue-ingest.ts'), '200000'], { encoding: 'utf8' })
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { pointsPerSecond: number; points: number; seconds: number }
    result.ingest = r
    console.log(`queue ingest: ${r.pointsPerSecond} metric points/s from workers into SQLite (target ≥ 50,000): ${r.points} points in ${r.seconds} s`)
  }
  if (wanted('faults')) {
    const r = await sweepWithFaults({ runs: o.sweep, seed: 17, timeoutMs: 900_000 })
    const { workerOutput: _output, ...kept } = r
    result.faults = kept
    const ok = r.statuses.finished === o.sweep && Object.keys(r.statuses).length === 1 && r.integrity === 'ok' && !r.lost.length && !r.extra.length && !r.duplicated.length && !r.damaged.length
    console.log(
      `queue faults: ${ok ? 'ok' : 'FAILED'}: ${r.runs} runs over 3 workers, ${JSON.stringify(r.statuses)}, integrity_check ${r.integrity}, ` +
        `${r.lost.length} points lost, ${r.extra.length + r.duplicated.length} duplicated, ${r.retried} retried; killed ${r.faults.map((f) => `${f.fault} after ${f.afterFinished}`).join(', ')}; ${r.seconds.toFixed(0)} s`,
    )
    if (!ok) process.exitCode = 1
  }
  load.end = loadavg()[0]
  console.log(`queue: load average ${load.start.toFixed(1)} → ${load.end.toFixed(1)}`)
  if (o.out) writeFileSync(o.out, JSON.stringify({ ...result, load }, null, 2))
}

await main().catch((err: unknown) => {
  // One line first: `npm run bench` reports a row's failure by the first line of its stderr.
  process.stderr.write(`queue bench failed: ${err instanceof Error ? err.message : String(err)}\n${err instanceof Error ? err.stack : ''}\n`)
  process.exitCode = 1
})
