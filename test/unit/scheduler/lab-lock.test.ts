/** One scheduling lab per database: a live owner blocks a second one, a dead owner's lock is taken over. */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { fileErrorReason } from '../../../src-main/store/file-errors'
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

it('says what could not be written, and why, when the lock file cannot be created', () => {
  // `ulimit -f 0` refuses every byte written to a file, as a full disk does, without root.
  const script = [
    `import { acquireLabLock } from ${JSON.stringify(join(process.cwd(), 'src-main/scheduler/lab-lock.ts'))}`,
    `try { acquireLabLock(${JSON.stringify(join(dir, 'lab.db'))}) } catch (e) { console.log(e.message) }`,
  ].join('\n')
  const out = execFileSync(
    '/bin/sh',
    ['-c', 'ulimit -f 0 && exec "$0" "$@"', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  )
  expect(out.trim()).toBe(
    `cannot create the lab's lock file ${join(dir, 'lab.db.lock')} (it marks the lab that runs this database's queue): the file-size limit (ulimit -f) was reached (EFBIG)`,
  )
  expect(existsSync(join(dir, 'lab.db.lock'))).toBe(false)
})

it('names a full disk in words', () => {
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
  expect(fileErrorReason(full)).toBe('the disk is full (ENOSPC)')
})
