/**
 * The parts of remote work that need no Redis (issue 17 items 1, 3, 6): queue URLs (password
 * never shown), and user files on workers: found under the worker's data folder at the lab's
 * relative path, checked by sha256, a missing or different one named with the worker.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { checkWorkerFile, datasetFiles, pathSha256, recordFile, remoteRelative } from '../../../src-main/scheduler/remote/data-files'
import { parseQueueUrl, queueUrlFrom, redactedUrl } from '../../../src-main/scheduler/remote/queue-url'
import { confinedRelative } from '../../../src-main/scheduler/remote/wire'
import { jobRefusal } from '../../../src-main/scheduler/remote/worker-job'
import { TINY_CONFIG, tempDir } from '../store/helpers'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.()
})
function dir(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}

it('reads redis://, rediss:// and the environment; a password is never shown', () => {
  const plain = parseQueueUrl('redis://complab:s3cret@lab-server:6380/2')
  expect(plain.redis).toMatchObject({ host: 'lab-server', port: 6380, db: 2, username: 'complab', password: 's3cret', maxRetriesPerRequest: null })
  expect(plain.redis.tls).toBeUndefined()
  expect(parseQueueUrl('rediss://:pw@example.org').redis).toMatchObject({ port: 6379, password: 'pw', tls: { servername: 'example.org' } })
  expect(redactedUrl('redis://complab:s3cret@lab-server:6380/2')).toBe('redis://complab:***@lab-server:6380/2')
  expect(() => parseQueueUrl('http://x:y@host')).toThrow(/must start with redis:\/\/ or rediss:\/\//)
  expect(() => parseQueueUrl('redis://:hunter2@host/db')).toThrow(/database must be a number/)
  expect(() => parseQueueUrl('not a url :hunter2@')).toThrow(/^not a queue URL \(expected/)
  expect(queueUrlFrom(undefined, { COMPLAB_QUEUE_URL: 'redis://h' })).toBe('redis://h')
  expect(queueUrlFrom('redis://option', { COMPLAB_QUEUE_URL: 'redis://h' })).toBe('redis://option')
  expect(queueUrlFrom(undefined, {})).toBeUndefined()
})

it('keeps paths inside their folder', () => {
  expect(confinedRelative('a/b.bin')).toBe('a/b.bin')
  for (const bad of ['../x', '/etc/passwd', 'a/../../x', 'C:/x', '', 'a//b', 'x\0y']) expect(confinedRelative(bad)).toBeNull()
})

it('records user files by relative path and sha256; a worker finds them, or names what is wrong', () => {
  const lab = dir()
  const box = dir()
  writeFileSync(join(lab, 'digits.csv'), 'label,a\n1,0.5\n')
  const record = recordFile(lab, join(lab, 'digits.csv'), 'file')
  expect(record).toMatchObject({ path: 'digits.csv', bytes: 14, kind: 'file' })
  expect(() => remoteRelative(lab, '/etc/hosts')).toThrow(/outside the lab's data folder/)
  expect(datasetFiles(lab, { ...TINY_CONFIG, dataset: { ...TINY_CONFIG.dataset, name: 'csv', path: 'digits.csv', label: 'label' } as never })).toEqual([record])
  expect(datasetFiles(lab, TINY_CONFIG)).toEqual([])

  expect(() => checkWorkerFile(box, record, 'box-a')).toThrow(`digits.csv is missing on worker box-a (looked for ${join(box, 'digits.csv')})`)
  writeFileSync(join(box, 'digits.csv'), 'label,a\n1,0.6\n')
  expect(() => checkWorkerFile(box, record, 'box-a')).toThrow(/digits.csv on worker box-a differs from the lab's/)
  writeFileSync(join(box, 'digits.csv'), 'label,a\n1,0.5\n')
  expect(checkWorkerFile(box, record, 'box-a')).toBe(join(box, 'digits.csv'))
  expect(() => checkWorkerFile(box, { ...record, path: '../digits.csv' }, 'box-a')).toThrow(/not a path inside a data folder/)
  // A link that leads out of the worker's data folder is refused, even with the right content.
  const outside = dir()
  writeFileSync(join(outside, 'digits.csv'), 'label,a\n1,0.5\n')
  mkdirSync(join(box, 'sub'))
  symlinkSync(join(outside, 'digits.csv'), join(box, 'sub', 'digits.csv'))
  expect(() => checkWorkerFile(box, { ...record, path: 'sub/digits.csv' }, 'box-b')).toThrow(/leads out of its data folder/)
})

it("a folder's sha256 covers its files' names and contents", () => {
  const a = dir()
  mkdirSync(join(a, 'img', 'cat'), { recursive: true })
  writeFileSync(join(a, 'img', 'cat', '1.png'), 'x')
  const before = pathSha256(join(a, 'img'), 'folder')
  writeFileSync(join(a, 'img', 'cat', '1.png'), 'y')
  expect(pathSha256(join(a, 'img'), 'folder')).not.toBe(before)
  writeFileSync(join(a, 'img', 'cat', '1.png'), 'x')
  expect(pathSha256(join(a, 'img'), 'folder')).toBe(before)
})

it('a worker refuses a lab of another version, saying both, and a run with no tries left', () => {
  const box = { name: 'box-a', version: '0.2.0' }
  expect(jobRefusal({ version: '0.1.0', runId: 7, attempts: 3 }, box, 1)).toBe(
    'worker box-a runs complab 0.2.0 and the lab 0.1.0: it refuses runs of another version',
  )
  expect(jobRefusal({ version: '0.2.0', runId: 7, attempts: 3 }, box, 3)).toBeNull()
  expect(jobRefusal({ version: '0.2.0', runId: 7, attempts: 3 }, box, 4)).toMatch(/^run #7 was tried 3 times: each time the worker holding it stopped/)
})
