/**
 * PASCAL VOC annotation files: a minimal XML reader (elements, text, comments, CDATA, the
 * predefined and numeric entities; attributes are skipped — VOC does not use them) and the
 * annotation schema: `filename`, `size/width|height`, and per `object` its `name`, `difficult`
 * and `bndbox/xmin..ymax` (1-based pixel indices, inclusive, as in the VOC devkit).
 */

export interface XmlElement {
  name: string
  children: XmlElement[]
  /** The element's own text (concatenated, trimmed). */
  text: string
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[e] ?? whole
  })
}

/** Parses an XML document into its root element; throws on malformed input. */
export function parseXml(source: string): XmlElement {
  let i = 0
  const stack: XmlElement[] = []
  const texts: string[][] = []
  let root: XmlElement | null = null
  const fail = (msg: string): never => {
    const line = source.slice(0, i).split('\n').length
    throw new Error(`malformed XML at line ${line}: ${msg}`)
  }
  while (i < source.length) {
    const lt = source.indexOf('<', i)
    const text = lt < 0 ? source.slice(i) : source.slice(i, lt)
    if (text.trim()) {
      if (!stack.length) fail('text outside the root element')
      texts[texts.length - 1].push(decodeEntities(text))
    }
    if (lt < 0) break
    i = lt
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4)
      if (end < 0) fail('unterminated comment')
      i = end + 3
    } else if (source.startsWith('<![CDATA[', i)) {
      const end = source.indexOf(']]>', i + 9)
      if (end < 0) fail('unterminated CDATA')
      if (!stack.length) fail('CDATA outside the root element')
      texts[texts.length - 1].push(source.slice(i + 9, end))
      i = end + 3
    } else if (source.startsWith('<?', i)) {
      const end = source.indexOf('?>', i + 2)
      if (end < 0) fail('unterminated processing instruction')
      i = end + 2
    } else if (source.startsWith('<!', i)) {
      const end = source.indexOf('>', i + 2)
      if (end < 0) fail('unterminated declaration')
      i = end + 1
    } else {
      const end = source.indexOf('>', i + 1)
      if (end < 0) fail('unterminated tag')
      const tag = source.slice(i + 1, end)
      i = end + 1
      if (tag.startsWith('/')) {
        const name = tag.slice(1).trim()
        const open = stack.pop()
        const own = texts.pop()
        if (!open || open.name !== name) fail(`</${name}> does not close <${open?.name ?? 'nothing'}>`)
        ;(open as XmlElement).text = (own as string[]).join('').trim()
        if (!stack.length) root = open as XmlElement
      } else {
        const selfClosing = tag.endsWith('/')
        const name = (selfClosing ? tag.slice(0, -1) : tag).trim().split(/\s+/)[0]
        if (!/^[A-Za-z_][\w.:-]*$/.test(name)) fail(`bad tag <${tag}>`)
        if (!stack.length && root) fail('more than one root element')
        const el: XmlElement = { name, children: [], text: '' }
        if (stack.length) stack[stack.length - 1].children.push(el)
        if (selfClosing) {
          if (!stack.length) root = el
        } else {
          stack.push(el)
          texts.push([])
        }
      }
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is not closed`)
  if (!root) fail('no root element')
  return root as XmlElement
}

/** The first child element of that name. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name)
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

function number(el: XmlElement | undefined, what: string): number {
  if (!el) throw new Error(`${what} is missing`)
  const v = Number(el.text)
  if (el.text === '' || !Number.isFinite(v)) throw new Error(`${what} is not a number ('${el.text}')`)
  return v
}

/** Reads a VOC annotation document; throws with the reason when it is not a usable one. */
export function parseVocAnnotation(source: string): VocAnnotation {
  const root = parseXml(source)
  if (root.name !== 'annotation') throw new Error(`the root element is <${root.name}>, not <annotation>`)
  const size = child(root, 'size')
  const width = size && child(size, 'width') ? number(child(size, 'width'), 'size/width') : null
  const height = size && child(size, 'height') ? number(child(size, 'height'), 'size/height') : null
  const objects = root.children
    .filter((c) => c.name === 'object')
    .map((o, k): VocObject => {
      const where = `object ${k + 1}`
      const name = child(o, 'name')?.text
      if (!name) throw new Error(`${where}: name is missing`)
      const box = child(o, 'bndbox')
      if (!box) throw new Error(`${where} (${name}): bndbox is missing`)
      const b = {
        xmin: number(child(box, 'xmin'), `${where} (${name}): bndbox/xmin`),
        ymin: number(child(box, 'ymin'), `${where} (${name}): bndbox/ymin`),
        xmax: number(child(box, 'xmax'), `${where} (${name}): bndbox/xmax`),
        ymax: number(child(box, 'ymax'), `${where} (${name}): bndbox/ymax`),
      }
      if (b.xmax < b.xmin || b.ymax < b.ymin) throw new Error(`${where} (${name}): bndbox has xmax < xmin or ymax < ymin`)
      const difficult = child(o, 'difficult')?.text
      return { name, difficult: difficult === '1' || difficult === 'true', ...b }
    })
  return { filename: child(root, 'filename')?.text || null, width, height, objects }
}
