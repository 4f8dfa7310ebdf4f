/**
 * A lab killed with SIGKILL in the first moments of a worker's start (issue 14, item 5): the
 * worker was still loading TF.js when its channel closed, registered its disconnect handler only
 * afterwards, and its heartbeat timer kept it alive for ever. Promised: a worker whose lab is gone
 * exits within seconds, whenever the lab died.
 */
import { afterEach, expect, it } from 'vitest'
import { spawnLab } from '../helpers/lab-child'
import { alive, childrenOf, waitFor } from '../helpers/process-watch'
import { tempDir } from '../unit/store/helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

const spec = {
  name: 'orphan',
  dataset: { name: 'mnist-10k', trainLimit: 200 },
  model: { arch: 'mlp', hidden: [8] },
  training: { epochs: 1 },
}

for (const delayMs of [0, 600]) {
  it(`a worker whose lab is killed -9 ${delayMs} ms into its start exits within seconds`, async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const lab = spawnLab({ dataDir: t.dir, concurrency: 1, launch: spec })
    cleanups.push(() => lab.kill())
    const { pid } = (await lab.waitFor((m) => m.type === 'opened')) as { pid: number }
    await lab.waitFor((m) => m.type === 'status' && m.status === 'running')
    let workers: number[] = []
    expect(await waitFor(() => (workers = childrenOf(pid)).length > 0, 5000)).toBe(true)
    cleanups.push(() => {
      for (const w of workers) if (alive(w)) process.kill(w, 'SIGKILL')
    })
    await new Promise((r) => setTimeout(r, delayMs))
    await lab.kill()
    expect(await waitFor(() => !workers.some(alive), 10_000)).toBe(true)
  }, 60_000)
}
