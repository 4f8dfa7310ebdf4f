/** checkRunConfig: cheap launch-time checks, one line per problem, no TensorFlow loaded. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunConfig } from '../../../src-shared/spec/expand'
import { datasetSpecSchema, detectMethodSchema, modelSpecSchema, trainingSpecSchema } from '../../../src-shared/spec/schema'
import { encodeIdx } from '../../../src-main/engine/data/idx-format'
import { checkRunConfig } from '../../../src-main/engine/validate'

const dir = mkdtempSync(join(tmpdir(), 'complab-validate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'imgs.idx'), encodeIdx('images', [10, 8, 8], new Uint8Array(640)))
writeFileSync(join(dir, 'labels.idx'), encodeIdx('labels', [10], new Uint8Array(10)))
writeFileSync(join(dir, 'labels9.idx'), encodeIdx('labels', [9], new Uint8Array(9)))

const base = (over: Partial<RunConfig> = {}): RunConfig => ({
  dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0 },
  model: modelSpecSchema.parse({ arch: 'lenet5' }),
  training: trainingSpecSchema.parse({}),
  method: { kind: 'train' },
  seed: 0,
  ...over,
})

const idx = (labels: string): RunConfig['dataset'] => ({
  name: 'idx',
  trainImages: 'imgs.idx',
  trainLabels: labels,
  testFraction: 0.2,
  splitSeed: 0,
})

describe('checkRunConfig', () => {
  it('accepts sound configurations', () => {
    expect(checkRunConfig(base(), dir)).toEqual([])
    expect(checkRunConfig(base({ dataset: idx('labels.idx'), model: modelSpecSchema.parse({ arch: 'mlp' }) }), dir)).toEqual([])
  })

  it('names missing and inconsistent dataset files', () => {
    expect(checkRunConfig(base({ dataset: idx('none.idx') }), dir)).toEqual([
      `dataset idx: none.idx: file not found (${join(dir, 'none.idx')})`,
    ])
    expect(checkRunConfig(base({ dataset: idx('labels9.idx') }), dir)).toEqual([
      'dataset idx: imgs.idx has 10 images but labels9.idx has 9 labels; they must match',
    ])
  })

  it('finds model/dataset shape mismatches', () => {
    // LeNet-5 on 8×8 images: conv same → 8×8, pool → 4×4, the 5×5 valid conv does not fit.
    expect(checkRunConfig(base({ dataset: idx('labels.idx') }), dir)).toEqual([
      'model: lenet5 layer 3 (conv2d 5×5/1 valid): its 4×4×6 input is smaller than the 5×5 window, so the image ' +
        'would shrink below 1×1; use fewer conv/pool layers, smaller windows or padding same',
    ])
    const convAfterDense = modelSpecSchema.parse({ arch: 'custom', layers: [{ type: 'dense', units: 8 }, { type: 'conv2d', filters: 2, kernelSize: 3 }] })
    expect(checkRunConfig(base({ model: convAfterDense }), dir)[0]).toMatch(/^model: layer 2 \(conv2d 3×3\/1 valid\): needs an image input/)
  })

  it('finds empty splits', () => {
    const training = trainingSpecSchema.parse({ validationFraction: 0.5 })
    const tiny = base({ dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0, trainLimit: 1 }, training })
    expect(checkRunConfig(tiny, dir)).toEqual(['training.validationFraction 0.5 leaves no training examples'])
  })

  it('imports no TensorFlow.js, directly or through the files it imports (nor do the catalogs)', () => {
    // Walk the static import graph from validate.ts and collect the packages it reaches.
    const seen = new Set<string>()
    const packages = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const source = readFileSync(file, 'utf8')
      for (const m of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const spec = m[1]
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.endsWith('.ts') ? spec : `${spec}.ts`))
        else packages.add(spec)
      }
    }
    for (const entry of ['validate.ts', 'data/catalog.ts', 'models/catalog.ts']) visit(resolve('src-main/engine', entry))
    expect(seen.size).toBeGreaterThan(5)
    expect([...packages].filter((p) => p.includes('tensorflow'))).toEqual([])
  })
})

describe('checkRunConfig on detection runs', () => {
  const shapes = datasetSpecSchema.parse({ name: 'shapes', imageSize: 32 })
  const detect = (over: Partial<RunConfig>): RunConfig =>
    base({ dataset: shapes, model: modelSpecSchema.parse({ arch: 'tinyYolo' }), method: detectMethodSchema.parse({ kind: 'detect' }), ...over })

  it('accepts a detector whose poolings divide the image side', () => {
    expect(checkRunConfig(detect({}), dir)).toEqual([])
    expect(checkRunConfig(detect({ model: modelSpecSchema.parse({ arch: 'denseStackedStudent', filters: [8, 16, 32] }) }), dir)).toEqual([])
  })

  it('names a side the poolings do not divide and a stacked block that does not exist', () => {
    const odd = datasetSpecSchema.parse({ name: 'shapes', imageSize: 36 })
    expect(checkRunConfig(detect({ dataset: odd }), dir)).toEqual([
      'model tinyYolo: images of 36 px are not divisible by 8 (one 2×2 pooling per entry of filters)',
    ])
    const student = modelSpecSchema.parse({ arch: 'denseStackedStudent', filters: [8, 16], stackFrom: [0, 3] })
    expect(checkRunConfig(detect({ model: student }), dir)).toEqual(['model.stackFrom: block 3 does not exist (filters has 2 entries)'])
  })

  it('names a missing VOC folder and one without annotations', () => {
    const voc = (root: string): RunConfig['dataset'] => datasetSpecSchema.parse({ name: 'voc', root })
    expect(checkRunConfig(detect({ dataset: voc('no-such-voc') }), dir)[0]).toMatch(/^dataset voc: the folder no-such-voc does not exist/)
    expect(checkRunConfig(detect({ dataset: voc('.') }), dir)).toEqual([
      'dataset voc: . has no Annotations folder (a PASCAL VOC folder holds JPEGImages/ and Annotations/)',
    ])
  })

  it('refuses a detector on a classification dataset in one line', () => {
    const issues = checkRunConfig(detect({ dataset: base().dataset }), dir)
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatch(/^task mismatch: dataset mnist-10k is classification, model tinyYolo is detection/)
  })
})
