/**
 * Crashes, with real processes: a worker killed with SIGKILL mid-run, and the lab's own process
 * killed while a run was running (the database is then reopened by a new lab).
 */
import { fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventPayloads } from '../../src-shared/contract'
import { createLab, type Lab } from '../../src-main/lab/index'
import { alive, waitFor } from '../helpers/process-watch'
import { tempDir } from '../unit/store/helpers'
import { nextEvent, recordingLauncher, statusHistory, trainSpec } from '../unit/scheduler/helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

function integrity(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true })
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) ?? ''
  } finally {
    db.close()
  }
}

describe('crash recovery', () => {
  it('a worker killed by SIGKILL mid-run fails the run and keeps the metrics it had sent', async () => {
    const t = tempDir()
    const launcher = recordingLauncher()
    const lab: Lab = await createLab({ dataDir: t.dir, launcher })
    cleanups.push(t.cleanup, () => lab.stop())
    const { experimentId, runIds } = await lab.call('experiments.launch', {
      spec: trainSpec('killed', 300),
    })
    const id = runIds[0]
    const seen: EventPayloads['run.metric']['points'] = []
    lab.subscribe('run.metric', (p) => {
      if (p.runId === id) seen.push(...p.points)
    })
    await nextEvent(
      lab,
      'run.metric',
      (p) => p.runId === id && p.points.some((q) => q.key === 'train.loss'),
    )
    const before = seen.length
    process.kill(launcher.handles[0].pid as number, 'SIGKILL')
    await lab.idle(experimentId)

    const run = await lab.call('runs.get', { id })
    expect(run.status).toBe('failed')
    expect(run.error).toBe('worker killed by SIGKILL')
    expect(run.finishedAt).not.toBeNull()
    // Every epoch metric that had arrived before the kill is in the database.
    const stored = await lab.call('runs.metrics', { id })
    const storedPoints = new Set(
      stored.flatMap((s) => s.points.map((p) => `${s.key}@${p.step}=${p.value}`)),
    )
    expect(before).toBeGreaterThan(0)
    for (const p of seen.slice(0, before))
      expect(storedPoints.has(`${p.key}@${p.step}=${p.value}`)).toBe(true)
    expect(stored.find((s) => s.key === 'train.loss')?.points[0].step).toBe(1)
    expect(run.results).toEqual({})
    expect(integrity(lab.dbPath)).toBe('ok')
  })

  it('after the lab process dies, its running run is interrupted and queued runs start again', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    // A lab in its own process: launch a long run and a short one (concurrency 1), report the worker's pid.
    const script = join(t.dir, 'lab-process.mts')
    const labModule = pathToFileURL(
      fileURLToPath(new URL('../../src-main/lab/index.ts', import.meta.url)),
    ).href
    const helpers = pathToFileURL(
      fileURLToPath(new URL('../unit/scheduler/helpers.ts', import.meta.url)),
    ).href
    writeFileSync(
      script,
      `import { createLab } from '${labModule}'
import { recordingLauncher } from '${helpers}'
const launcher = recordingLauncher()
const lab = await createLab({ dataDir: process.argv[2], launcher })
const spec = { ...JSON.parse(process.argv[3]), sweep: { grid: { 'training.epochs': [300, 1] }, seeds: [0] } }
const { runIds } = await lab.call('experiments.launch', { spec })
lab.subscribe('run.metric', (p) => {
  if (p.runId === runIds[0]) process.send({ runIds, workerPid: launcher.handles[0].pid })
})
`,
    )
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    // 100 batches an epoch: the training loop yields to the worker's event loop within an epoch
    // (it does so about every 100 ms), which is when the worker notices that its lab is gone.
    const spec = {
      ...trainSpec('crashed lab', 300),
      dataset: { name: 'mnist-10k', trainLimit: 1000 },
      training: { epochs: 300, batchSize: 10 },
    }
    const child = fork(script, [t.dir, JSON.stringify(spec)], {
      execArgv: ['--import', tsx],
      stdio: 'inherit',
    })
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    const report = await new Promise<{ runIds: number[]; workerPid: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { runIds: number[]; workerPid: number }))
      child.once('exit', (code) => reject(new Error(`the lab process exited early (code ${code})`)))
    })
    const [longRun, shortRun] = report.runIds
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    // The orphaned worker notices its lab is gone and ends itself (a 300-epoch run would take minutes).
    const killedAt = Date.now()
    expect(await waitFor(() => !alive(report.workerPid), 10_000)).toBe(true)
    expect(Date.now() - killedAt).toBeLessThan(5000)

    const dbPath = join(t.dir, 'lab.db')
    const raw = new Database(dbPath, { readonly: true })
    const left = raw.prepare('SELECT id, status FROM runs ORDER BY id').all()
    const metricsBefore = (
      raw.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(longRun) as {
        n: number
      }
    ).n
    raw.close()
    expect(left).toEqual([
      { id: longRun, status: 'running' },
      { id: shortRun, status: 'queued' },
    ])
    expect(metricsBefore).toBeGreaterThan(0)

    const lab = await createLab({ dataDir: t.dir })
    cleanups.push(() => lab.stop())
    const history = statusHistory(lab)
    const interrupted = await lab.call('runs.get', { id: longRun })
    expect(interrupted).toMatchObject({
      status: 'interrupted',
      error: 'interrupted: the lab stopped while it ran',
    })
    expect((await lab.call('runs.metrics', { id: longRun })).flatMap((s) => s.points).length).toBe(
      metricsBefore,
    )

    await lab.idle()
    expect(history.filter((h) => h.runId === shortRun).map((h) => h.status)).toEqual([
      'running',
      'finished',
    ])
    expect((await lab.call('runs.get', { id: shortRun })).status).toBe('finished')
    expect(integrity(dbPath)).toBe('ok')
  })

  it('a lab stopped while a run runs marks it interrupted and leaves queued runs queued', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const lab = await createLab({ dataDir: t.dir })
    const history = statusHistory(lab)
    const { runIds } = await lab.call('experiments.launch', {
      spec: trainSpec('stopped', 300, [0, 1]),
    })
    await nextEvent(lab, 'run.metric', (p) => p.runId === runIds[0])
    await lab.stop()
    expect(history.map((h) => [h.runId, h.status])).toEqual([
      [runIds[0], 'running'],
      [runIds[0], 'interrupted'],
    ])
    const reopened = await createLab({ dataDir: t.dir, schedule: false })
    cleanups.push(() => reopened.stop())
    const rows = (await reopened.call('runs.list', {})).rows.map((r) => [r.id, r.status, r.error])
    expect(rows).toEqual([
      [runIds[0], 'interrupted', 'interrupted: the lab stopped while it ran'],
      [runIds[1], 'queued', null],
    ])
  })
})
