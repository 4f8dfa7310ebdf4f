/**
 * The one field kind for file and folder paths in a spec (dataset files and folders, imported
 * models). A lab that confines paths to its data folder (the server, DESIGN §8) finds every such
 * field by walking the schema with the value (`pathValues`), so a dataset kind or model source that
 * declares its paths with `pathField` is confined with nothing else to update, and one that
 * declares a path as a plain string is caught by the test that lists `pathFieldLocations`.
 */
import { z } from 'zod'

export type PathKind = 'file' | 'folder'

/** Marks the schemas made by `pathField`; looked up by identity while walking a schema. */
export const pathFieldRegistry = z.registry<{ kind: PathKind }>()

/**
 * A path to a file or folder, relative to the data folder (or `npm:<package>/<file>`), with its
 * help text (`.describe` makes a new schema the registry would not know: it is given here).
 */
export function pathField(kind: PathKind, description?: string): z.ZodString {
  const field = z.string().min(1).max(4096)
  return (description ? field.describe(description) : field).register(pathFieldRegistry, { kind })
}

/** One path a spec names: where (`dataset.root`, `method.teacher.members[1].path`) and what. */
export interface PathValue {
  path: string
  value: string
  kind: PathKind
}

/** The parts of zod's definitions the walk reads (zod 4 keeps them on `_zod.def`). */
interface Def {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  element?: z.ZodType
  valueType?: z.ZodType
  options?: z.ZodType[]
  discriminator?: string
  in?: z.ZodType
  out?: z.ZodType
  items?: z.ZodType[]
  values?: unknown[]
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def

/** Wrappers whose value is their inner schema's (optional, default, nullable, readonly, …). */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch'])

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const join = (at: string, key: string): string => (at ? `${at}.${key}` : key)

/** Every path field's value in `value` (already parsed by `schema`), in document order. */
export function pathValues(schema: z.ZodType, value: unknown, at = ''): PathValue[] {
  const marked = pathFieldRegistry.get(schema)
  if (marked) return typeof value === 'string' ? [{ path: at, value, kind: marked.kind }] : []
  const def = defOf(schema)
  if (WRAPPERS.has(def.type) && def.innerType) return pathValues(def.innerType, value, at)
  if (def.type === 'pipe' && def.in) return pathValues(def.in, value, at)
  if (def.type === 'object' && def.shape && isRecord(value)) {
    return Object.entries(def.shape).flatMap(([key, field]) =>
      key in value ? pathValues(field, value[key], join(at, key)) : [],
    )
  }
  if (def.type === 'array' && def.element && Array.isArray(value)) {
    const element = def.element
    return value.flatMap((item, i) => pathValues(element, item, `${at}[${i}]`))
  }
  if (def.type === 'tuple' && def.items && Array.isArray(value)) {
    const items = def.items
    return value.flatMap((item, i) => (items[i] ? pathValues(items[i], item, `${at}[${i}]`) : []))
  }
  if (def.type === 'record' && def.valueType && isRecord(value)) {
    const valueType = def.valueType
    return Object.entries(value).flatMap(([key, v]) => pathValues(valueType, v, join(at, key)))
  }
  if (def.type === 'union' && def.options) {
    // The branch the value took: the first that accepts it (a discriminated union has one).
    const branch = def.options.find((option) => option.safeParse(value).success)
    return branch ? pathValues(branch, value, at) : []
  }
  return []
}

/** The discriminator value that names a union branch (`voc`, `import`), or its index. */
function branchName(option: z.ZodType, discriminator: string | undefined, index: number): string {
  const field = discriminator ? defOf(option).shape?.[discriminator] : undefined
  const literal = field ? defOf(field).values?.[0] : undefined
  return literal === undefined ? String(index) : String(literal)
}

/**
 * Where path fields can appear in `schema`, one line each: union branches in angle brackets and
 * array elements as `[]`, e.g. `dataset<voc>.root`, `method<distill>.teacher<ensemble>.members[]<import>.path`.
 */
export function pathFieldLocations(schema: z.ZodType, at = '', seen: Set<z.ZodType> = new Set()): string[] {
  if (pathFieldRegistry.get(schema)) return [at]
  if (seen.has(schema)) return []
  const def = defOf(schema)
  const inner = (s: z.ZodType | undefined, where: string): string[] =>
    s ? pathFieldLocations(s, where, new Set([...seen, schema])) : []
  if (WRAPPERS.has(def.type)) return inner(def.innerType, at)
  if (def.type === 'pipe') return inner(def.in, at)
  if (def.type === 'object' && def.shape)
    return Object.entries(def.shape).flatMap(([key, field]) => inner(field, join(at, key)))
  if (def.type === 'array') return inner(def.element, `${at}[]`)
  if (def.type === 'tuple') return (def.items ?? []).flatMap((item, i) => inner(item, `${at}[${i}]`))
  if (def.type === 'record') return inner(def.valueType, `${at}.*`)
  if (def.type === 'union')
    return (def.options ?? []).flatMap((o, i) => inner(o, `${at}<${branchName(o, def.discriminator, i)}>`))
  return []
}
