/** Detection in the spec: the detect/detect-distill methods, their expansion and the task check. */
import { describe, expect, it } from 'vitest'
import { expandSpec, mapModelRefs, modelRefs, type RunConfig } from '../../../../src-shared/spec/expand'
import { detectionDatasetSpecSchema, detectionModelSpecSchema, modelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import { checkRunConfig, detectionTaskIssue } from '../../../../src-main/engine/validate'

const base = { name: 'yolo', dataset: { name: 'mnist-10k' }, model: { arch: 'lenet5' }, training: { epochs: 1 } }

describe('detection spec', () => {
  it('parses the detection datasets and models with their defaults', () => {
    expect(detectionDatasetSpecSchema.parse({ name: 'shapes' })).toMatchObject({ imageSize: 64, numClasses: 3, unlabelledSize: 0, seed: 0 })
    expect(detectionDatasetSpecSchema.parse({ name: 'voc', root: 'VOC' })).toMatchObject({ onBroken: 'skip', testFraction: 0.2 })
    expect(detectionModelSpecSchema.parse({ arch: 'denseStackedStudent' })).toMatchObject({ bottleneck: 4, anchors: 2 })
    expect(detectionModelSpecSchema.safeParse({ arch: 'tinyYolo', grid: 3 }).success).toBe(false)
  })

  it('expands detect-distill into a shared detect teacher, a baseline and the students', () => {
    const r = expandSpec({
      ...base,
      method: { kind: 'detect-distill', teacher: { source: 'train', model: { arch: 'mlp' } }, objectnessScaling: false },
      sweep: { grid: { 'method.fmNms': [true, false] }, seeds: [0] },
    })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.runs.map((x) => x.role)).toEqual(['teacher', 'baseline', 'student', 'student'])
    expect(r.runs[0].config.method).toEqual({ kind: 'detect', previews: 3 })
    expect(r.runs[1].config.method.kind).toBe('detect')
    const student = r.runs[2].config.method
    expect(student).toMatchObject({ kind: 'detect-distill', teacher: { runKey: 'teacher-0' }, lambdaD: 1, objectnessScaling: false, fmNmsK: 3 })
    expect('baseline' in student).toBe(false)
    expect(r.runs[2].dependsOn).toEqual(['teacher-0'])
    expect(modelRefs(student).teachers).toEqual([{ runKey: 'teacher-0' }])
    expect(modelRefs(mapModelRefs(r.runs[2].config, () => ({ runId: 7 })).method).teachers).toEqual([{ runId: 7 }])
  })

  it('refuses to mix detection and classification with one line', () => {
    const config: RunConfig = {
      dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0 },
      model: modelSpecSchema.parse({ arch: 'lenet5' }),
      training: trainingSpecSchema.parse({}),
      method: { kind: 'detect', previews: 3 },
      seed: 0,
    }
    const issues = checkRunConfig(config, '/nonexistent')
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatch(/^task mismatch: dataset mnist-10k is classification, model lenet5 is classification and method detect is detection/)
    expect(detectionTaskIssue({ ...config, method: { kind: 'train' } })).toBeNull()
  })
})
