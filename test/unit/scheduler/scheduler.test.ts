/**
 * The scheduler with real worker processes and the real engine on tiny data: concurrency,
 * dependencies (teacher → student), teacher by run id, cancel, a hung worker.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLab, type Lab } from '../../../src-main/lab/index'
import { resolveWorkerEntry } from '../../../src-main/scheduler/fork-launcher'
import { tempDir } from '../store/helpers'
import {
  distillSpec,
  maxConcurrent,
  nextEvent,
  recordingLauncher,
  statusHistory,
  trainSpec,
} from './helpers'

const open: { lab: Lab; cleanup(): void }[] = []
afterEach(async () => {
  while (open.length) {
    const o = open.pop()
    await o?.lab.stop()
    o?.cleanup()
  }
})

async function newLab(
  options: Parameters<typeof createLab>[0] = {},
): Promise<{ lab: Lab; dir: string }> {
  const t = tempDir()
  const lab = await createLab({ dataDir: t.dir, ...options })
  open.push({ lab, cleanup: t.cleanup })
  return { lab, dir: t.dir }
}

describe('worker entry', () => {
  it('resolves the TypeScript entry from source and worker.js when bundled', () => {
    expect(resolveWorkerEntry()).toMatch(/src-main\/worker\/index\.ts$/)
    expect(resolveWorkerEntry('file:///app/out/main/index.js')).toBe('/app/out/main/worker.js')
  })
})

describe('scheduler', () => {
  it('never runs more than `concurrency` workers, and stores what each run sends', async () => {
    const { lab, dir } = await newLab({ concurrency: 2 })
    const history = statusHistory(lab)
    const { experimentId, runIds } = await lab.call('experiments.launch', {
      spec: trainSpec('three seeds', 2, [0, 1, 2]),
    })
    await lab.idle(experimentId)

    expect(maxConcurrent(history)).toBe(2)
    // The third run started only after one of the first two had settled.
    const thirdStart = history.findIndex((h) => h.runId === runIds[2] && h.status === 'running')
    expect(
      history.slice(0, thirdStart).filter((h) => h.status === 'finished').length,
    ).toBeGreaterThanOrEqual(1)
    for (const id of runIds) {
      const run = await lab.call('runs.get', { id })
      expect(run).toMatchObject({ status: 'finished', error: null })
      expect(run.backend).toBeTruthy()
      expect(run.startedAt && run.finishedAt && run.startedAt <= run.finishedAt).toBe(true)
      expect(run.results['test.accuracy']).toBeGreaterThan(0)
      expect(run.results['test.accuracy']).toBeLessThanOrEqual(1)
      expect(run.progress?.fraction).toBe(1)
      const model = run.artifacts.find((a) => a.path.endsWith('model.json'))
      expect(model?.path.startsWith(join(dir, 'artifacts', `run-${id}`))).toBe(true)
      expect(existsSync(model?.path ?? '')).toBe(true)
      expect(run.logs.length).toBeGreaterThan(0)
      const metrics = await lab.call('runs.metrics', { id, keys: ['train.loss'] })
      expect(metrics).toHaveLength(1)
      expect(metrics[0].points.map((p) => p.step)).toEqual([1, 2])
    }
  })

  it('starts a student only after its teacher finished, with the teacher model; then distils from an earlier run by id', async () => {
    const { lab } = await newLab()
    const history = statusHistory(lab)
    const { experimentId, runIds } = await lab.call('experiments.launch', {
      spec: distillSpec('kd', 1),
    })
    const [teacherId, studentId] = runIds
    await lab.idle(experimentId)
    const student = await lab.call('runs.get', { id: studentId })
    expect(student).toMatchObject({
      status: 'finished',
      teacherRunId: teacherId,
      dependsOn: [teacherId],
    })
    expect(student.results['test.accuracy']).toBeGreaterThan(0)
    // The student loaded this teacher's saved model: evaluated on the same test split, it scores
    // exactly what the teacher run reported for itself.
    const teacher = await lab.call('runs.get', { id: teacherId })
    expect(student.results['teacher.test.accuracy']).toBeCloseTo(teacher.results['test.accuracy'], 6)
    const teacherDone = history.findIndex((h) => h.runId === teacherId && h.status === 'finished')
    const studentStart = history.findIndex((h) => h.runId === studentId && h.status === 'running')
    expect(teacherDone).toBeGreaterThanOrEqual(0)
    expect(studentStart).toBeGreaterThan(teacherDone)

    const again = await lab.call('experiments.launch', {
      spec: {
        ...distillSpec('kd from run', 1),
        method: { kind: 'distill', baseline: false, teacher: { source: 'run', runId: teacherId } },
      },
    })
    expect(again.runIds).toHaveLength(1)
    await lab.idle(again.experimentId)
    const reused = await lab.call('runs.get', { id: again.runIds[0] })
    expect(reused).toMatchObject({ status: 'finished', teacherRunId: teacherId, dependsOn: [] })
    expect(reused.results['teacher.test.accuracy']).toBeCloseTo(teacher.results['test.accuracy'], 6)
  })

  it('cancels a running teacher (its process is killed) and its student fails', async () => {
    const { lab } = await newLab()
    const history = statusHistory(lab)
    const { experimentId, runIds } = await lab.call('experiments.launch', {
      spec: distillSpec('cancel', 1, 200),
    })
    const [teacherId, studentId] = runIds
    await nextEvent(lab, 'run.metric', (p) => p.runId === teacherId)
    expect(await lab.call('runs.cancel', { id: teacherId })).toEqual({
      id: teacherId,
      status: 'cancelled',
    })
    await lab.idle(experimentId)
    const teacher = await lab.call('runs.get', { id: teacherId })
    expect(teacher.status).toBe('cancelled')
    // Metrics it had sent before the kill are kept.
    expect((await lab.call('runs.metrics', { id: teacherId })).length).toBeGreaterThan(0)
    const student = await lab.call('runs.get', { id: studentId })
    expect(student).toMatchObject({
      status: 'failed',
      error: `teacher run #${teacherId} failed: it was cancelled`,
      startedAt: null,
    })
    expect(history.filter((h) => h.runId === studentId).map((h) => h.status)).toEqual(['failed'])
    // A failed teacher fails its student the same way (no process needed: a student queued behind a failed run).
    await expect(lab.call('runs.cancel', { id: studentId })).rejects.toThrow(
      `run #${studentId} is already failed`,
    )
  })

  it('kills a worker that stops sending heartbeats', async () => {
    const launcher = recordingLauncher()
    const { lab } = await newLab({ launcher, heartbeatTimeoutMs: 2500 })
    const { experimentId, runIds } = await lab.call('experiments.launch', {
      spec: trainSpec('hung', 300),
    })
    await nextEvent(lab, 'run.metric', (p) => p.runId === runIds[0])
    // Freeze the worker: it can neither train nor send a heartbeat.
    process.kill(launcher.handles[0].pid as number, 'SIGSTOP')
    await lab.idle(experimentId)
    const run = await lab.call('runs.get', { id: runIds[0] })
    expect(run.status).toBe('failed')
    expect(run.error).toBe('worker stopped responding (no heartbeat for 2.5 s)')
    expect((await lab.call('runs.metrics', { id: runIds[0] })).length).toBeGreaterThan(0)
  })
})
