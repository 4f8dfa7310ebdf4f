/** One scheduling lab per database: a live owner blocks a second one, a dead owner's lock is taken over. */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createLab } from '../../../src-main/lab/index'
import { tempDir } from '../store/helpers'

let dir: string
let cleanup: () => void
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

it('refuses to schedule a database another live lab process schedules; reading it is fine', async () => {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  try {
    const dbPath = join(dir, 'lab.db')
    writeFileSync(`${dbPath}.lock`, `${other.pid}\n`)
    await expect(createLab({ dataDir: dir })).rejects.toThrow(
      `another lab (pid ${other.pid}) is running the queue of ${dbPath}`,
    )
    const reader = await createLab({ dataDir: dir, schedule: false })
    expect((await reader.call('runs.list', {})).total).toBe(0)
    await reader.stop()
    expect(readFileSync(`${dbPath}.lock`, 'utf8').trim()).toBe(String(other.pid))
  } finally {
    other.kill('SIGKILL')
  }
})

it('takes over the lock of a lab that died, and releases it when it stops', async () => {
  const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' })
  await new Promise((r) => dead.once('exit', r))
  const lockPath = join(dir, 'lab.db.lock')
  writeFileSync(lockPath, `${dead.pid}\n`)
  const lab = await createLab({ dataDir: dir })
  expect(readFileSync(lockPath, 'utf8').trim()).toBe(String(process.pid))
  await lab.stop()
  expect(existsSync(lockPath)).toBe(false)
})
