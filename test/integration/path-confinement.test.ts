/**
 * A served lab confines every path a spec names to its data folder (issue 14, item 4: VOC folders
 * were not). The path fields are found by walking the schema (`pathFieldLocations`): this test
 * holds one spec per location and fails when a location has none, so a new path field cannot be
 * left out. Each location, written directly and through a sweep grid, is tried with traversals
 * over real HTTP: absolute paths, `..`, and a link inside the folder that points out, each to a
 * target that exists and to one that does not. Every one is refused naming the field, the words
 * do not tell whether the outside target exists, and nothing is stored.
 */
import { existsSync, symlinkSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src-main/server'
import { experimentSpecSchema } from '../../src-shared/spec/schema'
import { pathFieldLocations } from '../../src-shared/spec/path-field'
import { databaseDigest } from '../helpers/db-digest'
import { fuzzFixture, type FuzzFixture } from '../helpers/fuzz-fixture'

type Spec = Record<string, unknown>
const classifier = { model: { arch: 'mlp', hidden: [8] } }
const mnist = { dataset: { name: 'mnist-10k', trainLimit: 200 }, ...classifier }
const detector = { model: { arch: 'tinyYolo' } }
const importFrom = (path: string): Spec => ({ source: 'import', path })
const pruning = (kind: string, extra: Spec = {}) => (v: string): Spec => ({ ...mnist, method: { kind, parent: importFrom(v), ...extra } })

/** For each place a path field can be: a spec with `v` there, and where its issue is named. */
const AT: Record<string, { spec: (v: string) => Spec; field: string }> = {
  'dataset<idx>.trainImages': { field: 'dataset.trainImages', spec: (v) => ({ ...classifier, dataset: { name: 'idx', trainImages: v, trainLabels: 'labels.idx' } }) },
  'dataset<idx>.trainLabels': { field: 'dataset.trainLabels', spec: (v) => ({ ...classifier, dataset: { name: 'idx', trainImages: 'images.idx', trainLabels: v } }) },
  'dataset<idx>.testImages': {
    field: 'dataset.testImages',
    spec: (v) => ({ ...classifier, dataset: { name: 'idx', trainImages: 'images.idx', trainLabels: 'labels.idx', testImages: v, testLabels: 'labels.idx' } }),
  },
  'dataset<idx>.testLabels': {
    field: 'dataset.testLabels',
    spec: (v) => ({ ...classifier, dataset: { name: 'idx', trainImages: 'images.idx', trainLabels: 'labels.idx', testImages: 'images.idx', testLabels: v } }),
  },
  'dataset<csv>.path': { field: 'dataset.path', spec: (v) => ({ ...classifier, dataset: { name: 'csv', path: v, label: 'class' } }) },
  'dataset<cifar10>.root': { field: 'dataset.root', spec: (v) => ({ ...classifier, dataset: { name: 'cifar10', root: v } }) },
  'dataset<cifar100>.root': { field: 'dataset.root', spec: (v) => ({ ...classifier, dataset: { name: 'cifar100', root: v } }) },
  'dataset<image-folder>.root': { field: 'dataset.root', spec: (v) => ({ ...classifier, dataset: { name: 'image-folder', root: v } }) },
  'dataset<image-folder>.test': { field: 'dataset.test', spec: (v) => ({ ...classifier, dataset: { name: 'image-folder', root: 'pets', test: v } }) },
  'dataset<voc>.root': { field: 'dataset.root', spec: (v) => ({ ...detector, dataset: { name: 'voc', root: v }, method: { kind: 'detect' } }) },
  'dataset<voc>.unlabelled': {
    field: 'dataset.unlabelled',
    spec: (v) => ({ ...detector, dataset: { name: 'voc', root: 'voc', unlabelled: v }, method: { kind: 'detect' } }),
  },
  'method<distill>.teacher<import>.path': { field: 'method.teacher.path', spec: (v) => ({ ...mnist, method: { kind: 'distill', teacher: importFrom(v) } }) },
  'method<distill>.teacher<ensemble>.members[]<import>.path': {
    field: 'method.teacher.members[1].path',
    spec: (v) => ({ ...mnist, method: { kind: 'distill', teacher: { source: 'ensemble', members: [importFrom('ok.json'), importFrom(v)] } } }),
  },
  'method<prune>.parent<import>.path': { field: 'method.parent.path', spec: pruning('prune', { target: { ratio: 0.5 } }) },
  'method<singh>.parent<import>.path': { field: 'method.parent.path', spec: pruning('singh') },
  'method<magnitude>.parent<import>.path': { field: 'method.parent.path', spec: pruning('magnitude') },
  'method<slimming>.parent<import>.path': { field: 'method.parent.path', spec: pruning('slimming') },
  'method<sensitivity>.parent<import>.path': { field: 'method.parent.path', spec: pruning('sensitivity') },
  'method<quantize>.parent<import>.path': { field: 'method.parent.path', spec: pruning('quantize') },
  ...Object.fromEntries(
    (['prune', 'singh', 'magnitude', 'slimming'] as const).map((kind) => [
      `method<quantize>.parent<stage>.method<${kind}>.parent<import>.path`,
      {
        field: 'method.parent.method.parent.path',
        spec: (v: string): Spec => ({ ...mnist, method: { kind: 'quantize', parent: { source: 'stage', method: { kind, parent: importFrom(v), ...(kind === 'prune' ? { target: { ratio: 0.5 } } : {}) } } } }),
      },
    ]),
  ),
  'method<detect-distill>.teacher<import>.path': {
    field: 'method.teacher.path',
    spec: (v) => ({ ...detector, dataset: { name: 'shapes' }, method: { kind: 'detect-distill', teacher: importFrom(v) } }),
  },
}

const CONFINED = /^"[^"]*" (must be relative to the lab's data folder \(absolute paths are not accepted here\)|leaves the lab's data folder|leads out of the lab's data folder \(a link\))$/

interface Issue {
  path: string
  message: string
}

let fx: FuzzFixture
let server: RunningServer

beforeAll(async () => {
  fx = await fuzzFixture()
  // A link whose outside target does not exist (yet): still a link out.
  symlinkSync(join(fx.root, 'outside', 'later'), join(fx.dataDir, 'dangling-out'))
  server = await startServer({ lab: fx.lab })
})
afterAll(async () => {
  await server?.close()
  await fx?.cleanup()
})

function post(method: string, input: unknown): Promise<{ status: number; body: { ok: boolean; data?: { valid: boolean; issues: Issue[] }; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(input)
    const req = request(
      { host: '127.0.0.1', port: server.port, path: `/api/${method}`, method: 'POST', headers: { 'Content-Type': 'application/json' } },
      (res) => {
        const parts: Buffer[] = []
        res.on('data', (c: Buffer) => parts.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as never }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Pairs of traversals: one to an outside target that exists, one to one that does not. */
function traversals(): [string, string][] {
  const outside = join(fx.root, 'outside')
  return [
    [outside, join(fx.root, 'nowhere')],
    [join(outside, 'secret.txt'), join(outside, 'absent.txt')],
    ['../outside', '../nowhere'],
    ['../outside/secret.txt', '../outside/absent.txt'],
    ['images.idx/../../outside', 'images.idx/../../nowhere'],
    ['link-out', 'link-out/absent'],
    ['link-out/secret.txt', 'link-out/absent/deeper.txt'],
    ['link-out', 'dangling-out'],
    ['link-out/secret.txt', 'dangling-out/deeper.txt'],
  ]
}

/** The refusal of `spec` by validate (and by launch, with 400), checked to name `field`. */
async function refusal(spec: Spec, field: string, what: string): Promise<string> {
  const validated = await post('experiments.validate', { spec })
  expect(validated.status, what).toBe(200)
  const issues = validated.body.data?.issues ?? []
  expect(validated.body.data?.valid, `${what}: ${JSON.stringify(issues)}`).toBe(false)
  const mine = issues.filter((i) => i.path === field)
  expect(mine, `${what}: ${JSON.stringify(issues)}`).toHaveLength(1)
  expect(mine[0].message, what).toMatch(CONFINED)
  // Nothing but path refusals: no engine check looked at what the path names.
  for (const i of issues) expect(i.message, `${what}: ${i.path}`).toMatch(CONFINED)
  const launched = await post('experiments.launch', { spec })
  expect(launched.status, what).toBe(400)
  expect(launched.body.error?.code, what).toBe('invalid_input')
  return mine[0].message
}

describe('path confinement of a served lab', () => {
  it('has a spec for every path field the schema declares', () => {
    expect(Object.keys(AT).sort()).toEqual(pathFieldLocations(experimentSpecSchema).sort())
  })

  it('refuses every traversal in every path field, alike whether the outside target exists', async () => {
    const before = databaseDigest(fx.dbPath)
    for (const [location, { spec, field }] of Object.entries(AT)) {
      for (const [exists, absent] of traversals()) {
        const said = await refusal({ name: 'confined', ...spec(exists) }, field, `${location} = ${exists}`)
        const other = await refusal({ name: 'confined', ...spec(absent) }, field, `${location} = ${absent}`)
        // The same words for a target that exists and one that does not.
        expect(other.replace(JSON.stringify(absent), 'X'), location).toBe(said.replace(JSON.stringify(exists), 'X'))
      }
    }
    expect(databaseDigest(fx.dbPath)).toEqual(before)
  }, 60_000)

  it('refuses a traversal that a sweep grid writes into any path field', async () => {
    for (const [location, { spec, field }] of Object.entries(AT)) {
      const base = spec('placeholder')
      // The grid axis replaces the whole top-level object that holds the field.
      const top = field.split('.')[0]
      const swept = spec('../outside')[top]
      const result = await refusal(
        { name: 'swept', ...base, sweep: { grid: { [top]: [base[top], swept] } } },
        field,
        `${location} through the grid`,
      )
      expect(result).toBe(`"../outside" leaves the lab's data folder`)
    }
  })

  it('confines the folder models.export writes to (issue 19): every traversal refused, nothing written', async () => {
    const before = databaseDigest(fx.dbPath)
    for (const [exists, absent] of traversals()) {
      for (const out of [exists, absent]) {
        const r = await post('models.export', { runId: 1, format: 'onnx', out })
        expect(r.status, out).toBe(401)
        expect(r.body.error?.code, out).toBe('unauthorized')
        expect(r.body.error?.message, out).toMatch(/^export folder "[^"]*" (must be relative to the lab's data folder \(absolute paths are not accepted here\)|leaves the lab's data folder|leads out of the lab's data folder \(a link\))$/)
      }
    }
    expect(existsSync(join(fx.root, 'nowhere'))).toBe(false)
    expect(databaseDigest(fx.dbPath)).toEqual(before)
  })
})
