/**
 * The binary copy of the parsed mnist-10k digits (issue 17): read back, it holds exactly the
 * values parsed from the package's JSON; a damaged, cut or foreign file is not used.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadMnist10k, loadMnistDigits, mnistCacheFile } from '../../../../src-main/engine/data/mnist-10k'
import { readDigitsCache, writeDigitsCache } from '../../../../src-main/engine/data/mnist-10k-cache'
import { tempDir } from '../../store/helpers'

const PIXELS = 784
const t = tempDir()
afterAll(() => t.cleanup())

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

describe('mnist-10k binary copy', () => {
  // First in this file: the digits are not yet parsed in this process, so this load writes the copy.
  it('is written by a load with a cache folder, and read back holds the parsed values exactly', () => {
    const dir = join(t.dir, 'cache')
    const ds = loadMnist10k({ testFraction: 0.02, splitSeed: 0, trainLimit: 100, cacheDir: dir })
    const file = mnistCacheFile(dir)
    expect(file).toMatch(/mnist-10k-1\.1\.0\.bin$/)
    expect(readdirSync(dir)).toEqual(['mnist-10k-1.1.0.bin'])
    const stored = readDigitsCache(file, PIXELS)!
    const parsed = loadMnistDigits()
    expect(stored.n).toBe(10_000)
    expect(bytes(stored.y).equals(bytes(parsed.y))).toBe(true)
    expect(bytes(stored.x).equals(bytes(parsed.x))).toBe(true)
    expect(ds.train.n).toBe(100)
  })

  it('is not used when a byte of it changed, it is cut short, or it holds images of another size', () => {
    const file = join(t.dir, 'copy.bin')
    expect(writeDigitsCache(file, loadMnistDigits(), PIXELS)).toBe(true)
    const good = readFileSync(file)
    expect(readDigitsCache(file, PIXELS)).not.toBeNull()
    expect(readDigitsCache(file, 28 * 28 * 3)).toBeNull()
    const flipped = Buffer.from(good)
    flipped[good.length - 5] ^= 1
    writeFileSync(file, flipped)
    expect(readDigitsCache(file, PIXELS)).toBeNull()
    writeFileSync(file, good.subarray(0, good.length - 4))
    expect(readDigitsCache(file, PIXELS)).toBeNull()
    writeFileSync(file, Buffer.from('{"data": []}'))
    expect(readDigitsCache(file, PIXELS)).toBeNull()
    expect(readDigitsCache(join(t.dir, 'none.bin'), PIXELS)).toBeNull()
  })

  it('says so when it cannot be written, and leaves nothing half-written', () => {
    const blocker = join(t.dir, 'a-file')
    writeFileSync(blocker, 'not a folder')
    expect(writeDigitsCache(join(blocker, 'copy.bin'), loadMnistDigits(), PIXELS)).toBe(false)
    expect(readdirSync(t.dir).filter((f) => f.includes('partial'))).toEqual([])
    expect(existsSync(join(blocker, 'copy.bin'))).toBe(false)
  })
})
