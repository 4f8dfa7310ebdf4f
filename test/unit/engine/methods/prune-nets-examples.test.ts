/**
 * The ResNet and MobileNetV2 pruning examples (issue 16 items 4 and 7): as shipped, they pass the
 * launch checks with their dependency groups planned, and their nets — built as the runs build
 * them — are pruned by the example's criterion through those groups down to the example's MAC
 * target, residual and depthwise groups included. (Before groups, the first residual Add stopped
 * them: "layer 's1b1_add' (Add) is not supported by pruning".) The whole runs take minutes here,
 * so the training and final measurements are left to the runs themselves; the pruning loop runs
 * on one batch of random images, with big steps.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { expandSpec } from '../../../../src-shared/spec/expand'
import type { NetModelSpec } from '../../../../src-shared/spec/schema'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildNet } from '../../../../src-main/engine/models/build-nets'
import { modelStats } from '../../../../src-main/engine/models/layer-report'
import { groupReport } from '../../../../src-main/engine/prune/group-report'
import { createImportanceScorer } from '../../../../src-main/engine/prune/importance/registry'
import { iterativePruning } from '../../../../src-main/engine/prune/prune-loop'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'
import { checkRunConfig } from '../../../../src-main/engine/validate'

beforeAll(async () => {
  await selectBackend('wasm')
})

const example = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '../../../../resources/examples', file), 'utf8')) as Record<string, unknown>

describe.each([['resnet-prune-mnist.json'], ['resnet-wide-prune-mnist.json'], ['mobilenetv2-prune-mnist.json']])('%s', (file) => {
  it('passes the launch checks and prunes its net by groups to the MAC target', async () => {
    const expanded = expandSpec(example(file))
    if (!expanded.ok) throw new Error(JSON.stringify(expanded.issues))
    const pruned = expanded.runs.find((r) => r.role === 'pruned')
    if (pruned === undefined || pruned.config.method.kind !== 'prune') throw new Error('no pruning run')
    for (const run of expanded.runs) expect(checkRunConfig(run.config, '/nonexistent')).toEqual([])
    const m = pruned.config.method
    const target = m.target.macs as number

    const model = buildNet(pruned.config.model as NetModelSpec, [28, 28, 1], 10, 0)
    const parentMacs = modelStats(model).macs
    const xs = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 1)
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10)
    const stop = new AbortController()
    const result = await iterativePruning({
      model,
      scorer: createImportanceScorer(m.criterion),
      context: { data: () => [{ xs, ys }], loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) as tf.Scalar, seed: 0 },
      steps: Array<number>(40).fill(96),
      groupReduction: m.groupReduction,
      roundTo: m.roundTo,
      evaluate: async () => 0,
      onStep: (r) => {
        if (r.macs <= target * parentMacs) stop.abort()
      },
      signal: stop.signal,
    })
    const last = result.reports[result.reports.length - 1]
    expect(last.macs).toBeLessThanOrEqual(target * parentMacs)
    expect(result.stoppedBy).toBe('aborted')
    const report = groupReport(analyzeStructure(model), analyzeStructure(result.model), result.groupScores)
    const coupled = report.filter((g) => g.members.some((x) => x.kind === 'Add' || x.kind === 'DepthwiseConv2D'))
    expect(coupled.some((g) => g.unitsAfter < g.unitsBefore)).toBe(true)
    expect(report.reduce((a, g) => a + g.unitsBefore - g.unitsAfter, 0)).toBe(last.totalRemoved)
    const out = result.model.predict(xs) as tf.Tensor
    expect(out.shape).toEqual([8, 10])
    tf.dispose([out, xs, ys])
    result.model.dispose()
    model.dispose()
  }, 60_000)
})
