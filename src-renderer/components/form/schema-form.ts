/**
 * Reading the spec's JSON Schema (zod's `toJSONSchema`, draft 2020-12) for the launch form: what
 * kind of input a node needs, which property tells the members of a union apart, labels, and
 * the text ↔ value conversions of list inputs. Pure functions.
 */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  oneOf?: JsonSchema[]
  anyOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  default?: unknown
  items?: JsonSchema | false
  prefixItems?: JsonSchema[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minItems?: number
  maxItems?: number
  additionalProperties?: JsonSchema | boolean
  description?: string
}

export type FieldKind =
  | 'union'
  | 'object'
  | 'enum'
  | 'const'
  | 'boolean'
  | 'number'
  | 'integer'
  | 'string'
  | 'scalar-list'
  | 'object-list'
  | 'json'

const SCALARS = new Set(['number', 'integer', 'string', 'boolean'])

function members(s: JsonSchema): JsonSchema[] | null {
  return s.oneOf ?? s.anyOf ?? null
}

function isScalar(s: JsonSchema | false | undefined): boolean {
  if (!s) return false
  if (s.enum || s.const !== undefined) return true
  return typeof s.type === 'string' && SCALARS.has(s.type)
}

/** The property whose constant (or enum) value tells the members apart (`kind`, `source`, `arch`…). */
export function discriminatorOf(list: readonly JsonSchema[]): string | null {
  if (!list.length || !list.every((m) => m.properties)) return null
  const first = list[0].properties ?? {}
  for (const key of Object.keys(first)) {
    if (list.every((m) => m.properties?.[key] && (m.properties[key].const !== undefined || m.properties[key].enum))) return key
  }
  return null
}

/** What input a schema node needs. */
export function fieldKind(s: JsonSchema): FieldKind {
  const list = members(s)
  if (list) return discriminatorOf(list) ? 'union' : 'json'
  if (s.const !== undefined) return 'const'
  if (s.enum) return 'enum'
  if (s.type === 'object') return s.properties ? 'object' : 'json'
  if (s.type === 'array') {
    if (s.prefixItems) return s.prefixItems.every((p) => isScalar(p)) ? 'scalar-list' : 'json'
    if (s.items && isScalar(s.items)) return 'scalar-list'
    if (s.items && (s.items.type === 'object' || members(s.items))) return 'object-list'
    return 'json'
  }
  if (s.type === 'boolean' || s.type === 'number' || s.type === 'integer' || s.type === 'string') return s.type
  return 'json'
}

/** The options of a union's selector: one per constant, in schema order. */
export function unionOptions(s: JsonSchema): { value: string; member: number }[] {
  const list = members(s) ?? []
  const key = discriminatorOf(list)
  if (!key) return []
  return list.flatMap((m, i) => {
    const p = m.properties?.[key] ?? {}
    const values = p.const !== undefined ? [p.const] : (p.enum ?? [])
    return values.map((v) => ({ value: String(v), member: i }))
  })
}

/** The member a value belongs to (by its discriminator), or the default's, or the first. */
export function memberIndex(s: JsonSchema, value: unknown): number {
  const list = members(s) ?? []
  const key = discriminatorOf(list)
  const current = value && typeof value === 'object' ? (value as Record<string, unknown>)[key ?? ''] : undefined
  const fallback = s.default && typeof s.default === 'object' ? (s.default as Record<string, unknown>)[key ?? ''] : undefined
  for (const wanted of [current, fallback]) {
    const option = unionOptions(s).find((o) => o.value === String(wanted))
    if (wanted !== undefined && option) return option.member
  }
  return 0
}

export function unionMember(s: JsonSchema, index: number): JsonSchema {
  return (members(s) ?? [])[index] ?? {}
}

/** A new object of one member: its discriminator and every required field that has a default. */
export function startValue(member: JsonSchema, discriminator: string, choice: string): Record<string, unknown> {
  const out: Record<string, unknown> = { [discriminator]: choice }
  for (const key of member.required ?? []) {
    const p = member.properties?.[key]
    if (key === discriminator || !p) continue
    if (p.default !== undefined) out[key] = structuredClone(p.default)
    else if (fieldKind(p) === 'union') {
      const first = unionOptions(p)[0]
      const d = discriminatorOf(members(p) ?? [])
      if (first && d) out[key] = startValue(unionMember(p, first.member), d, first.value)
    }
  }
  return out
}

const LABELS: Record<string, string> = {
  stopOnNaN: 'Stop on NaN',
  lrSchedule: 'LR schedule',
  arch: 'Architecture',
  pcaDims: 'PCA dimensions',
  macs: 'MACs',
  l1: 'L1 weight λ',
  p: 'p (swap probability)',
  s: 's (local variance)',
}

/** `learningRate` → `Learning rate`, `trainLimit` → `Train limit`. */
export function labelOf(key: string): string {
  if (LABELS[key]) return LABELS[key]
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[._-]+/g, ' ').toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** A value written in a text input: a number, true/false, or the text itself. */
export function parseToken(token: string): unknown {
  const t = token.trim()
  if (t === '') return undefined
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t)
  if (t === 'true' || t === 'false') return t === 'true'
  return t.replace(/^"(.*)"$/, '$1')
}

/**
 * `512, 512` → [512, 512]; `[16], [32, 32]` → [[16], [32, 32]] (JSON when it parses, tokens
 * otherwise). Empty → undefined (the field falls back to its default).
 */
export function parseList(text: string): unknown[] | undefined {
  if (text.trim() === '') return undefined
  try {
    const v = JSON.parse(`[${text}]`) as unknown
    if (Array.isArray(v)) return v
  } catch {
    // Not JSON: plain comma-separated words and numbers.
  }
  return text
    .split(',')
    .map(parseToken)
    .filter((v) => v !== undefined)
}

/** The text a list input shows: `512, 512`, or JSON for nested values. */
export function listText(value: unknown): string {
  if (!Array.isArray(value)) return ''
  return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')
}

/** min / max / step of a number input. */
export function numberBounds(s: JsonSchema): { min?: number; max?: number; step: string } {
  const big = 1e15
  const min = s.minimum ?? s.exclusiveMinimum
  const max = s.maximum ?? s.exclusiveMaximum
  return {
    min: min !== undefined && Math.abs(min) < big ? min : undefined,
    max: max !== undefined && Math.abs(max) < big ? max : undefined,
    step: s.type === 'integer' ? '1' : 'any',
  }
}

/** An id safe for `id=` and `for=` from a field path. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]+/g, '-')}`
}

/**
 * Paths a sweep axis can vary: every scalar or list leaf under dataset, model, training and
 * method, for the members the spec has chosen now.
 */
export function sweepablePaths(schema: JsonSchema, spec: Record<string, unknown>): string[] {
  const out: string[] = []
  const walk = (s: JsonSchema, value: unknown, path: string): void => {
    const kind = fieldKind(s)
    if (kind === 'union') {
      const m = unionMember(s, memberIndex(s, value))
      walk({ ...m, type: 'object' }, value, path)
      return
    }
    if (kind === 'object') {
      for (const [k, p] of Object.entries(s.properties ?? {})) {
        const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[k] : undefined
        walk(p, v, path ? `${path}.${k}` : k)
      }
      return
    }
    if (kind !== 'const' && kind !== 'object-list' && kind !== 'json') out.push(path)
  }
  for (const top of ['dataset', 'model', 'training', 'method']) {
    const s = schema.properties?.[top]
    if (s) walk(s, spec[top], top)
  }
  return out
}
