/**
 * PASCAL VOC annotation files, read with fast-xml-parser: its validator refuses malformed XML
 * with the line and column, its parser gives the elements (text, CDATA, the predefined, numeric
 * and HTML entities; comments and attributes dropped — VOC does not use attributes). On top of it,
 * the annotation schema: `filename`, `size/width|height`, and per `object` its `name`, `difficult`
 * and `bndbox/xmin..ymax` (1-based pixel indices, inclusive, as in the VOC devkit). The caller
 * (`voc.ts`) puts the file's name in front of every message.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'

/** An element as fast-xml-parser returns it: its text, or its children by name (text in `#text`). */
type XmlNode = string | { [name: string]: XmlNode | XmlNode[] }

const parser = new XMLParser({
  ignoreAttributes: true,
  // Every value stays text ('0001' stays '0001'); numbers are read where the schema says so.
  parseTagValue: false,
  trimValues: true,
  htmlEntities: true,
})

/** The validator's "Invalid '["a","b"]' found." (elements left open at the end), said plainly. */
function xmlProblem(msg: string): string {
  const open = /^Invalid '(\[.*\])' found\.$/s.exec(msg)
  if (!open) return msg
  const names = JSON.parse(open[1]) as string[]
  return `${names.map((n) => `<${n}>`).join(', ')} ${names.length > 1 ? 'are' : 'is'} not closed`
}

/** Parses an XML document into its root element's name and content; throws on malformed input. */
export function parseXml(source: string): { name: string; root: XmlNode } {
  const valid = XMLValidator.validate(source)
  if (valid !== true) {
    const { line, col, msg } = valid.err
    throw new Error(`malformed XML at line ${line}, column ${col ?? 1}: ${xmlProblem(msg)}`)
  }
  const doc = parser.parse(source) as Record<string, XmlNode | XmlNode[]>
  // `?xml` is the declaration; comments and the DOCTYPE do not appear.
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?'))
  if (roots.length !== 1 || Array.isArray(doc[roots[0]])) {
    const names = roots.map((r) => `<${r}>`).join(', ')
    throw new Error(`malformed XML: ${roots.length ? `more than one root element (${names})` : 'no root element'}`)
  }
  return { name: roots[0], root: doc[roots[0]] as XmlNode }
}

/** Every child element of that name, in document order. */
export function children(el: XmlNode, name: string): XmlNode[] {
  const c = typeof el === 'string' ? undefined : el[name]
  return c === undefined ? [] : Array.isArray(c) ? c : [c]
}

/** The first child element of that name. */
export function child(el: XmlNode | undefined, name: string): XmlNode | undefined {
  return el === undefined ? undefined : children(el, name)[0]
}

/** An element's own text (trimmed; '' when it has none or is absent). */
export function text(el: XmlNode | undefined): string {
  if (el === undefined) return ''
  if (typeof el === 'string') return el
  const own = el['#text']
  return typeof own === 'string' ? own : ''
}

/** One `object` of a VOC annotation, in the file's pixel coordinates. */
export interface VocObject {
  name: string
  difficult: boolean
  xmin: number
  ymin: number
  xmax: number
  ymax: number
}

export interface VocAnnotation {
  filename: string | null
  width: number | null
  height: number | null
  objects: VocObject[]
}

function number(el: XmlNode | undefined, what: string): number {
  if (el === undefined) throw new Error(`${what} is missing`)
  const t = text(el)
  const v = Number(t)
  if (t === '' || !Number.isFinite(v)) throw new Error(`${what} is not a number ('${t}')`)
  return v
}

/** Reads a VOC annotation document; throws with the reason when it is not a usable one. */
export function parseVocAnnotation(source: string): VocAnnotation {
  const { name: rootName, root } = parseXml(source)
  if (rootName !== 'annotation') throw new Error(`the root element is <${rootName}>, not <annotation>`)
  const size = child(root, 'size')
  const width = child(size, 'width') !== undefined ? number(child(size, 'width'), 'size/width') : null
  const height =
    child(size, 'height') !== undefined ? number(child(size, 'height'), 'size/height') : null
  const objects = children(root, 'object').map((o, k): VocObject => {
    const where = `object ${k + 1}`
    const name = text(child(o, 'name'))
    if (!name) throw new Error(`${where}: name is missing`)
    const box = child(o, 'bndbox')
    if (box === undefined) throw new Error(`${where} (${name}): bndbox is missing`)
    const b = {
      xmin: number(child(box, 'xmin'), `${where} (${name}): bndbox/xmin`),
      ymin: number(child(box, 'ymin'), `${where} (${name}): bndbox/ymin`),
      xmax: number(child(box, 'xmax'), `${where} (${name}): bndbox/xmax`),
      ymax: number(child(box, 'ymax'), `${where} (${name}): bndbox/ymax`),
    }
    if (b.xmax < b.xmin || b.ymax < b.ymin) {
      throw new Error(`${where} (${name}): bndbox has xmax < xmin or ymax < ymin`)
    }
    const difficult = text(child(o, 'difficult'))
    return { name, difficult: difficult === '1' || difficult === 'true', ...b }
  })
  return { filename: text(child(root, 'filename')) || null, width, height, objects }
}
