/** Image decoding/resizing and folders of unlabelled images (tiny folders written by the test). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadImageFolder } from '../../../../src-main/engine/data/image-folder'
import { decodeImage, resizeToRgb, sniffImageFormat } from '../../../../src-main/engine/data/image-folder-decode'
import { jpegBytes, pngBytes } from '../detect/image-fixtures'

const base = mkdtempSync(join(tmpdir(), 'complab-images-'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('image decoding and resizing', () => {
  it('recognises formats by their bytes and decodes JPEG and PNG', () => {
    expect(sniffImageFormat(pngBytes(2, 2, [1, 2, 3]))).toBe('png')
    expect(sniffImageFormat(jpegBytes(2, 2, [1, 2, 3]))).toBe('jpeg')
    expect(sniffImageFormat(new TextEncoder().encode('GIF89a'))).toBeNull()
    const img = decodeImage(pngBytes(3, 2, [10, 20, 30]))
    expect([img.width, img.height, img.data[0], img.data[1], img.data[2]]).toEqual([3, 2, 10, 20, 30])
    expect(() => decodeImage(new Uint8Array(0))).toThrow('empty file')
  })

  it('resizes bilinearly with half-pixel centres', () => {
    // A 2×1 image (0, 255) to width 4: sample x = (i + .5)·.5 − .5 = −.25, .25, .75, 1.25 → clamp
    // to [0, 1] → values 0, .25, .75, 1.
    const img = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]) }
    const out = resizeToRgb(img, 1, 4)
    expect(Array.from(out.filter((_, i) => i % 3 === 0))).toEqual([0, 0.25, 0.75, 1])
  })
})

describe('loadImageFolder', () => {
  it('loads the images in name order, skips or refuses broken ones, ignores other files', () => {
    const dir = join(base, 'unlabelled')
    mkdirSync(join(dir, 'sub'), { recursive: true })
    writeFileSync(join(dir, 'b.png'), pngBytes(6, 6, [255, 0, 0]))
    writeFileSync(join(dir, 'a.jpg'), jpegBytes(10, 4, [0, 0, 0]))
    writeFileSync(join(dir, 'c.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2]))
    writeFileSync(join(dir, 'notes.txt'), 'hello')
    writeFileSync(join(dir, 'sub', 'd.png'), pngBytes(3, 3, [0, 255, 0]))
    const skip = loadImageFolder({ dir, imageSize: [4, 5] })
    expect(skip.images.names).toEqual(['a.jpg', 'b.png'])
    expect(skip.images.x.length).toBe(2 * 4 * 5 * 3)
    expect(Array.from(skip.images.x.subarray(60, 63))).toEqual([1, 0, 0])
    expect(skip.warnings).toHaveLength(1)
    expect(skip.warnings[0].file).toBe('c.jpg')
    expect(skip.warnings[0].message).toMatch(/^damaged JPEG image/)
    expect(loadImageFolder({ dir, imageSize: 4, recursive: true }).images.names).toEqual(['a.jpg', 'b.png', 'sub/d.png'])
    expect(loadImageFolder({ dir, imageSize: 4, limit: 1 }).images.n).toBe(1)
    expect(() => loadImageFolder({ dir, imageSize: 4, onBroken: 'refuse' })).toThrow(/^c\.jpg: damaged JPEG image/)
  })
})
