/**
 * Seeded generators of bad input for every contract method and for launch specs: wrong types,
 * huge numbers, deep nesting, unknown fields (prototype keys included), SQL and path traversal in
 * strings. Each generated case says whether it must be refused; `COMPLAB_FUZZ_SEED` replays a run.
 */
import { METHOD_NAMES, methodInputs, type MethodName } from '../../src-shared/contract'
import { expandSpec } from '../../src-shared/spec/expand'
import type { Random } from './seeded-random'

/** Strings that have broken other programs: SQL, traversal, markup, templates, odd Unicode. */
export const HOSTILE_STRINGS: readonly string[] = [
  "'; DROP TABLE runs; --",
  '1 OR 1=1',
  '" OR ""="',
  'id; DELETE FROM metrics',
  'id) UNION SELECT sql FROM sqlite_schema --',
  "x' AND (SELECT count(*) FROM runs) > 0 --",
  '../../etc/passwd',
  '/etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'nul\u0000byte',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '\ud800',
  '😀'.repeat(50),
  'x'.repeat(5000),
  '',
  ' ',
]

/** Numbers no field expects: negative, fractional, huge, beyond 2^53. */
export const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -1,
  0.5,
  -0.000001,
  1e308,
  -1e308,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  5e-324,
  1e21,
]

/** Keys no schema has, some of them meaningful to JavaScript objects. */
export const UNKNOWN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', '$where', 'extra', "'; DROP TABLE runs; --", '']

/** An array (or object) nested `depth` levels deep around `leaf`. */
export function deeplyNested(depth: number, leaf: unknown = 1, objects = false): unknown {
  let v = leaf
  for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v]
  return v
}

/** A JSON value of any kind, small. */
export function randomValue(rng: Random, depth = 0): unknown {
  const kind = rng.int(0, depth > 2 ? 4 : 6)
  switch (kind) {
    case 0:
      return null
    case 1:
      return rng.chance(0.5)
    case 2:
      return rng.pick(HOSTILE_NUMBERS)
    case 3:
    case 4:
      return rng.pick(HOSTILE_STRINGS)
    case 5:
      return Array.from({ length: rng.int(0, 3) }, () => randomValue(rng, depth + 1))
    default: {
      const o: Record<string, unknown> = {}
      // defineProperty: `__proto__` becomes an own key, as JSON.parse makes it on the server.
      for (let i = rng.int(0, 3); i > 0; i--)
        Object.defineProperty(o, rng.pick([...UNKNOWN_KEYS, 'id', 'ids', 'spec']), {
          value: randomValue(rng, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      return o
    }
  }
}

/** A value of another JSON type than `v` (the "wrong type" mutation). */
function otherType(rng: Random, v: unknown): unknown {
  const options: unknown[] = [null, true, rng.pick(HOSTILE_STRINGS), [rng.pick(HOSTILE_NUMBERS)], { x: 1 }, rng.pick(HOSTILE_NUMBERS)]
  const typeOf = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x)
  const others = options.filter((o) => typeOf(o) !== typeOf(v))
  return rng.pick(others)
}

/** Every path (list of keys) to a value inside `v`, objects and arrays alike. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix]
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])))
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]))
  return out
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value
  let node = root as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>
  // defineProperty, so that a key such as `__proto__` becomes an own field as JSON.parse makes it.
  Object.defineProperty(node, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true })
  return root
}

function deleteAt(root: unknown, path: (string | number)[]): unknown {
  if (!path.length) return undefined
  let node = root as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>
  const last = path[path.length - 1]
  if (Array.isArray(node)) node.splice(Number(last), 1)
  else delete node[last]
  return root
}

export type Mutation = 'wrong-type' | 'unknown-field' | 'huge-number' | 'deep-nesting' | 'hostile-string' | 'missing-field' | 'not-an-object'

/** `base` with one random thing wrong about it; says what. */
export function mutate(rng: Random, base: unknown): { value: unknown; mutation: Mutation } {
  const value = clone(base)
  const all = paths(value)
  const objects = all.filter((p) => {
    const v = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], value)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
  })
  const at = rng.pick(all)
  const mutation = rng.pick<Mutation>(['wrong-type', 'unknown-field', 'huge-number', 'deep-nesting', 'hostile-string', 'missing-field', 'not-an-object'])
  const current = at.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], value)
  switch (mutation) {
    case 'wrong-type':
      return { value: setAt(value, at, otherType(rng, current)), mutation }
    case 'unknown-field': {
      const target = objects.length ? rng.pick(objects) : []
      return { value: setAt(value, [...target, rng.pick(UNKNOWN_KEYS)], randomValue(rng)), mutation }
    }
    case 'huge-number':
      return { value: setAt(value, at, rng.pick(HOSTILE_NUMBERS)), mutation }
    case 'deep-nesting':
      return { value: setAt(value, at, deeplyNested(rng.int(50, 3000), randomValue(rng), rng.chance(0.5))), mutation }
    case 'hostile-string':
      return { value: setAt(value, at, rng.pick(HOSTILE_STRINGS)), mutation }
    case 'missing-field':
      return { value: deleteAt(value, at), mutation }
    default:
      return { value: randomValue(rng), mutation }
  }
}

/** A valid input of each method (ids name runs that exist in the fuzz database). */
export function baseInputs(spec: Record<string, unknown>): Record<MethodName, unknown> {
  const bases: Partial<Record<string, unknown>> = {
    'experiments.validate': { spec },
    'experiments.launch': { spec },
    'specs.layers': { spec },
    'runs.list': { status: ['queued'], search: 'seed', where: 'test.accuracy > 0.5 or seed in 0,1', sort: 'id', direction: 'asc', limit: 10, offset: 0 },
    'runs.get': { id: 1 },
    'runs.metrics': { id: 1, keys: ['train.loss'] },
    'runs.cancel': { id: 1 },
    'compare.table': { runIds: [1, 2] },
    'export.table': { runIds: [1], format: 'csv' },
    'runs.delete': { ids: [1] },
    'runs.rerun': { ids: [1] },
    'runs.tag': { ids: [1], add: ['a'], remove: [] },
    'runs.note': { id: 1, body: 'note' },
    'runs.layers': { id: 1 },
    'runs.groups': { id: 1 },
    'runs.summary': { id: 1 },
    'runs.studentGains': {},
    'export.matrix': { runIds: [1, 2], kind: 'seeds', format: 'md' },
    'runs.paramValues': { keys: ['seed'] },
    'runs.attempts': { id: 1 },
    'runs.attemptMetrics': { id: 1, attempt: 1 },
    'queue.workers': {},
    'compare.sheet': { runIds: [1, 2] },
    'sweeps.pivot': { rows: 'seed', metrics: ['test.accuracy'] },
    'sweeps.pareto': { x: 'params', y: 'test.accuracy' },
    'export.render': { table: { columns: [{ key: 'a', label: 'A' }], rows: [{ a: 1 }] }, format: 'csv', name: 'x' },
    'artifacts.read': { id: 1 },
    'views.list': { experimentId: 1 },
    'views.save': { experimentId: 1, name: 'best', page: 'runs', query: { q: 'seed = 0' } },
    'views.delete': { id: 1 },
    'models.import': { files: [{ name: 'model.json', base64: Buffer.from('{}').toString('base64') }] },
    'models.export': { runId: 1, format: 'onnx', out: 'exports/run-1' },
  }
  return Object.fromEntries(METHOD_NAMES.map((m) => [m, bases[m] ?? {}])) as Record<MethodName, unknown>
}

/** Methods that write; they only ever get input their schema refuses. */
export const WRITING_METHODS: ReadonlySet<string> = new Set([
  'experiments.launch',
  'runs.cancel',
  'runs.delete',
  'runs.rerun',
  'runs.tag',
  'runs.note',
  'models.import',
  'models.export',
  'views.save',
  'views.delete',
])

export interface FuzzCase {
  method: MethodName
  input: unknown
  mutation: Mutation
  /** The method's schema refuses it (so the answer must be an error envelope). */
  refusedBySchema: boolean
}

/** `count` mutated inputs, spread over every method; writers get only schema-refused ones. */
export function methodCases(rng: Random, spec: Record<string, unknown>, count: number): FuzzCase[] {
  const bases = baseInputs(spec)
  const cases: FuzzCase[] = []
  let guard = 0
  while (cases.length < count && guard++ < count * 20) {
    const method = rng.pick(METHOD_NAMES)
    // Specs are fuzzed on their own (specCases); here the method envelope around them.
    const base = bases[method]
    const { value, mutation } = mutate(rng, base)
    const refusedBySchema = !methodInputs[method].safeParse(value === undefined ? {} : value).success
    if (!refusedBySchema && (WRITING_METHODS.has(method) || method === 'experiments.validate')) continue
    cases.push({ method, input: value, mutation, refusedBySchema })
  }
  return cases
}

/** The spec expands (a value that makes expansion throw counts as refused). */
export function specIsValid(spec: unknown): boolean {
  try {
    return expandSpec(spec).ok
  } catch {
    return false
  }
}

export interface SpecCase {
  spec: unknown
  mutation: Mutation | 'path-traversal' | 'huge-sweep'
}

/** Fields of a spec that name files, with a spec that uses each. */
export function fileFieldSpecs(base: Record<string, unknown>, path: string): Record<string, unknown>[] {
  return [
    { ...base, dataset: { name: 'idx', trainImages: path, trainLabels: 'labels.idx' } },
    { ...base, dataset: { name: 'idx', trainImages: 'images.idx', trainLabels: path } },
    { ...base, dataset: { name: 'idx', trainImages: 'images.idx', trainLabels: 'labels.idx', testImages: path, testLabels: 'labels.idx' } },
    { ...base, dataset: { name: 'csv', path, label: 'class' } },
    { ...base, method: { kind: 'distill', temperature: 2, teacher: { source: 'import', path } } },
    {
      ...base,
      method: {
        kind: 'distill',
        temperature: 2,
        teacher: { source: 'ensemble', members: [{ source: 'import', path: 'ok/model.json' }, { source: 'import', path }] },
      },
    },
    { ...base, method: { kind: 'prune', target: { ratio: 0.5 }, parent: { source: 'import', path } } },
  ]
}

/** Traversal spellings a confined lab must refuse. */
export const TRAVERSALS: readonly string[] = [
  '../../etc/passwd',
  '/etc/passwd',
  '/etc/no-such-file',
  'sub/../../outside/secret.txt',
  '../outside/secret.txt',
  'link-out/secret.txt',
  'npm:vega-datasets/../../../../etc/passwd',
  'npm:/etc/passwd',
  'nul\u0000byte',
]

/** `count` invalid specs: mutations that the spec schema refuses, traversal, giant sweeps. */
export function specCases(rng: Random, base: Record<string, unknown>, count: number): SpecCase[] {
  const cases: SpecCase[] = []
  let guard = 0
  while (cases.length < count && guard++ < count * 20) {
    const roll = rng.next()
    if (roll < 0.15) {
      const specs = fileFieldSpecs(base, rng.pick(TRAVERSALS))
      cases.push({ spec: rng.pick(specs), mutation: 'path-traversal' })
      continue
    }
    if (roll < 0.2) {
      const axis = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)
      cases.push({
        spec: { ...base, sweep: { grid: { 'training.epochs': axis(rng.int(100, 2000)), 'training.batchSize': axis(rng.int(100, 2000)) }, seeds: axis(rng.int(1, 50)) } },
        mutation: 'huge-sweep',
      })
      continue
    }
    const { value, mutation } = mutate(rng, base)
    // Only what the spec itself refuses (a mutation may land on a valid value).
    if (specIsValid(value)) continue
    cases.push({ spec: value, mutation })
  }
  return cases
}
