/**
 * PASCAL VOC folders, on tiny folders written by the test: JPEG and PNG images, XML annotations,
 * image-set lists, and broken files reported by name and skipped or refused.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadVocDataset, VOC_CLASSES } from '../../../../src-main/engine/data/voc'
import { child, children, parseVocAnnotation, parseXml, text } from '../../../../src-main/engine/data/voc-xml'
import { jpegBytes, pngBytes } from '../detect/image-fixtures'

const base = mkdtempSync(join(tmpdir(), 'complab-voc-'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

function annotation(filename: string, objects: Array<{ name: string; box: [number, number, number, number]; difficult?: boolean }>, size = [40, 20]): string {
  const objs = objects
    .map(
      (o) => `  <object>
    <name>${o.name}</name><pose>Unspecified</pose><truncated>0</truncated>
    <difficult>${o.difficult ? 1 : 0}</difficult>
    <bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox>
  </object>`,
    )
    .join('\n')
  return `<?xml version="1.0"?>
<!-- written by the test -->
<annotation>
  <folder>VOC2007</folder>
  <filename>${filename}</filename>
  <size><width>${size[0]}</width><height>${size[1]}</height><depth>3</depth></size>
${objs}
</annotation>
`
}

/** A VOC folder: 000001–000004 good (JPEG and PNG), plus the broken files asked for. */
function vocFolder(name: string, broken: boolean, imageSets = false): string {
  const root = join(base, name)
  mkdirSync(join(root, 'Annotations'), { recursive: true })
  mkdirSync(join(root, 'JPEGImages'), { recursive: true })
  const put = (id: string, xml: string, image: Buffer | null, ext = '.jpg'): void => {
    writeFileSync(join(root, 'Annotations', `${id}.xml`), xml)
    if (image) writeFileSync(join(root, 'JPEGImages', id + ext), image)
  }
  put('000001', annotation('000001.jpg', [{ name: 'dog', box: [1, 1, 20, 10] }, { name: 'cat', box: [21, 11, 40, 20], difficult: true }]), jpegBytes(40, 20, [200, 0, 0]))
  put('000002', annotation('000002.png', [{ name: 'cat', box: [11, 6, 30, 15] }]), pngBytes(40, 20, [0, 0, 255]), '.png')
  put('000003', annotation('000003.jpg', [{ name: 'dog', box: [1, 1, 40, 20] }]), jpegBytes(40, 20, [0, 200, 0]))
  put('000004', annotation('000004.jpg', [{ name: 'person', box: [5, 5, 10, 10] }]), jpegBytes(40, 20, [90, 90, 90]))
  if (broken) {
    put('000005', '<annotation><object><name>dog</name></annotation>', jpegBytes(40, 20, [1, 2, 3]))
    put('000006', annotation('000006.jpg', [{ name: 'dog', box: [1, 1, 5, 5] }]), Buffer.from('this is not an image'))
    put('000007', annotation('000007.jpg', [{ name: 'dog', box: [1, 1, 5, 5] }]), null)
    put('000008', annotation('000008.jpg', [{ name: 'dog', box: [1, 1, 60, 5] }]), jpegBytes(40, 20, [1, 2, 3]))
    put('000009', annotation('000009.jpg', [{ name: 'dog', box: [1, 1, 5, 5] }]), jpegBytes(40, 20, [1, 2, 3]).subarray(0, 200))
  }
  if (imageSets) {
    mkdirSync(join(root, 'ImageSets', 'Main'), { recursive: true })
    writeFileSync(join(root, 'ImageSets', 'Main', 'trainval.txt'), '000001\n000002\n000003\n')
    writeFileSync(join(root, 'ImageSets', 'Main', 'test.txt'), '000004\n')
  }
  return root
}

describe('VOC XML', () => {
  it('reads elements, text, entities, CDATA and comments', () => {
    const { name, root } = parseXml('<?xml version="1.0"?><!DOCTYPE a><a x="1"><b>R&amp;D &#65;</b><!-- c --><c/><d><![CDATA[<raw>]]></d><b>2</b></a>')
    expect(name).toBe('a')
    expect([text(child(root, 'b')), text(child(root, 'c')), text(child(root, 'd'))]).toEqual(['R&D A', '', '<raw>'])
    expect(children(root, 'b').map(text)).toEqual(['R&D A', '2'])
    expect(child(root, 'e')).toBeUndefined()
  })

  it('names the line and column of malformed XML', () => {
    expect(() => parseXml('<a>\n  <b></a>')).toThrow("malformed XML at line 2, column 6: Expected closing tag 'b' (opened in line 2, col 3) instead of closing tag 'a'.")
    expect(() => parseXml('<a>\n<b>')).toThrow('malformed XML at line 1, column 1: <a>, <b> are not closed')
    expect(() => parseXml('<a>t</a>junk')).toThrow('malformed XML at line 1, column 9: Extra text at the end')
    expect(() => parseXml('<a/><b/>')).toThrow('malformed XML: more than one root element (<a>, <b>)')
  })

  it('reads a VOC annotation and names what is missing', () => {
    const a = parseVocAnnotation(annotation('x.jpg', [{ name: 'dog', box: [1, 2, 3, 4], difficult: true }]))
    expect(a).toEqual({ filename: 'x.jpg', width: 40, height: 20, objects: [{ name: 'dog', difficult: true, xmin: 1, ymin: 2, xmax: 3, ymax: 4 }] })
    expect(() => parseVocAnnotation('<annotation><object><name>dog</name></object></annotation>')).toThrow('object 1 (dog): bndbox is missing')
    expect(() => parseVocAnnotation('<annotation><object><name>dog</name><bndbox><xmin>a</xmin></bndbox></object></annotation>')).toThrow(
      "object 1 (dog): bndbox/xmin is not a number ('a')",
    )
    expect(() => parseVocAnnotation('<doc/>')).toThrow('the root element is <doc>, not <annotation>')
  })
})

describe('loadVocDataset', () => {
  it('resizes the images and scales the boxes (1-based inclusive pixels → [0, 1])', () => {
    const root = vocFolder('good', false, true)
    const d = loadVocDataset({ root, imageSize: 8 })
    expect(d.inputShape).toEqual([8, 8, 3])
    // Every name is a VOC class, so the 20 VOC classes in the devkit's order.
    expect(d.classNames).toEqual([...VOC_CLASSES])
    expect(d.train.names).toEqual(['JPEGImages/000001.jpg', 'JPEGImages/000002.png', 'JPEGImages/000003.jpg'])
    expect(d.test.names).toEqual(['JPEGImages/000004.jpg'])
    // 000001: dog [1, 1, 20, 10] in 40×20 → [(1−1)/40, (1−1)/20, 20/40, 10/20] = [0, 0, .5, .5].
    expect(d.train.objects[0][0]).toEqual({ classId: VOC_CLASSES.indexOf('dog'), difficult: false, xMin: 0, yMin: 0, xMax: 0.5, yMax: 0.5 })
    // cat [21, 11, 40, 20], difficult → [.5, .5, 1, 1], kept with its flag.
    expect(d.train.objects[0][1]).toEqual({ classId: VOC_CLASSES.indexOf('cat'), difficult: true, xMin: 0.5, yMin: 0.5, xMax: 1, yMax: 1 })
    // 000002 (PNG, blue): cat [11, 6, 30, 15] → [.25, .25, .75, .75].
    expect(d.train.objects[1][0]).toMatchObject({ xMin: 0.25, yMin: 0.25, xMax: 0.75, yMax: 0.75 })
    const px = d.train.x.subarray(64 * 3, 64 * 3 + 3)
    expect(Array.from(px)).toEqual([0, 0, 1])
    expect(d.warnings).toEqual([])
  })

  it('uses the names found, sorted, when they are not VOC classes; drops unknown classes with a warning', () => {
    const root = vocFolder('names', false)
    const d = loadVocDataset({ root, imageSize: 8, classNames: ['cat', 'dog'], testFraction: 0.25, seed: 1 })
    expect(d.train.n + d.test.n).toBe(4)
    expect(d.test.n).toBe(1)
    expect(d.warnings).toEqual([{ file: 'Annotations/000004.xml', message: "object of unknown class 'person' dropped" }])
    const custom = join(base, 'custom')
    mkdirSync(join(custom, 'Annotations'), { recursive: true })
    mkdirSync(join(custom, 'JPEGImages'), { recursive: true })
    writeFileSync(join(custom, 'Annotations', 'a.xml'), annotation('a.png', [{ name: 'widget', box: [1, 1, 4, 4] }, { name: 'bolt', box: [1, 1, 4, 4] }]))
    writeFileSync(join(custom, 'JPEGImages', 'a.png'), pngBytes(40, 20, [5, 5, 5]))
    expect(loadVocDataset({ root: custom, imageSize: 4, testFraction: 0 }).classNames).toEqual(['bolt', 'widget'])
  })

  it('skips broken images and annotations with a warning naming each file', () => {
    const root = vocFolder('broken', true)
    const d = loadVocDataset({ root, imageSize: 8, testFraction: 0, onBroken: 'skip' })
    expect(d.train.n).toBe(4)
    const byFile = Object.fromEntries(d.warnings.map((w) => [w.file, w.message]))
    expect(byFile['Annotations/000005.xml']).toMatch(/malformed XML|not close/)
    expect(byFile['JPEGImages/000006.jpg']).toBe('not a JPEG or PNG image')
    expect(byFile['Annotations/000007.xml']).toBe('its image 000007.jpg was not found')
    expect(byFile['Annotations/000008.xml']).toBe('box of dog (1, 1, 60, 5) lies outside the 40×20 image')
    expect(byFile['JPEGImages/000009.jpg']).toMatch(/^damaged JPEG image/)
  })

  it('refuses the folder at the first broken file when asked to', () => {
    const root = vocFolder('refuse', true)
    expect(() => loadVocDataset({ root, imageSize: 8, testFraction: 0, onBroken: 'refuse' })).toThrow(/^Annotations\/000005\.xml: /)
    expect(() => loadVocDataset({ root: join(base, 'none'), imageSize: 8 })).toThrow(/no Annotations folder/)
  })
})
