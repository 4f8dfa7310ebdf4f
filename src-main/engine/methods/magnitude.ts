/**
 * Method `magnitude`, for every task: unstructured magnitude pruning with masks under the AGP schedule — Zhu &
 * Gupta 2017, "To prune, or not to prune", eq. (1): s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³,
 * t0 = 0. While the parent trains on, every Δt = `frequency` minibatches the smallest-|w| kernel
 * weights (ranked globally or per layer) are masked to reach s_t, and the masks are re-applied after
 * every update, so pruned weights stay zero; after n·Δt updates `finalEpochs` of fine-tuning keep
 * the final masks. Masks leave the dense model as large and as slow as before, so the run reports
 * what it really saves: non-zero parameters and the byte size of a sparse export (CSR where
 * smaller), which is also saved as an artifact beside the (dense, zero-filled) model.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { applyMasks, disposeMasks, magnitudeMasks, maskSparsity, type WeightMasks } from '../prune/masks'
import { agpSparsity, type AgpOptions } from '../prune/schedules'
import { sparseExport } from '../prune/sparse-export'
import { kernelLayerNames } from '../prune/sparsity'
import { removeUnits } from '../prune/surgery'
import { atomicWrite } from '../models/file-io-handler'
import type { MethodExecutor } from './context'
import { prunableStructure } from '../prune/protocol'
import { finalTraining, finishPruned, reportParent, withParent } from './pruned-run'

type MagnitudeMethod = Extract<RunMethod, { kind: 'magnitude' }>

export const executeMagnitude: MethodExecutor<MagnitudeMethod> = async (ctx) => {
  const { config, sink, job } = ctx
  const m = config.method
  if (m.initialSparsity > m.finalSparsity) {
    throw new Error(`method.initialSparsity ${m.initialSparsity} is above method.finalSparsity ${m.finalSparsity}`)
  }
  await withParent(ctx, async (parent, task) => {
    let model: tf.LayersModel | null = null
    let masks: WeightMasks = new Map()
    try {
      // Its graph must be one pruning understands (the group report reads it); masks need no group.
      prunableStructure(parent, `parent model (${task.modelText()})`, false)
      const layers = kernelLayerNames(parent)
      if (layers.length === 0) throw new Error(`the parent model (${config.model.arch}) has no Dense or Conv2D kernel to prune`)
      const before = await reportParent(ctx, parent)
      const agp: AgpOptions = {
        initialSparsity: m.initialSparsity,
        finalSparsity: m.finalSparsity,
        startStep: 0,
        numSteps: m.steps,
        frequency: m.frequency,
      }
      const span = m.steps * m.frequency
      const stepsPerEpoch = Math.ceil(task.trainSplit.n / config.training.batchSize)
      const pruneEpochs = Math.max(1, Math.ceil(span / stepsPerEpoch))
      sink.log(
        'info',
        `AGP (Zhu & Gupta 2017): sparsity ${m.initialSparsity} → ${m.finalSparsity} of ${layers.length} kernels ` +
          `(${m.scope}) in ${m.steps} steps every ${m.frequency} updates = ${span} updates (${pruneEpochs} epochs), ` +
          `then ${m.finalEpochs} epochs with the final masks`,
      )

      const current = await removeUnits(parent, {}) // a private copy of the parent
      model = current
      let t = 0
      const prune = async (): Promise<void> => {
        // Zhu & Gupta 2017, eq. (1): the sparsity target at update t (re-masked every Δt updates).
        const sparsity = agpSparsity(t, agp)
        const next = await magnitudeMasks(current, { sparsity, scope: m.scope, layers })
        disposeMasks(masks)
        masks = next
        sink.metrics([{ key: 'sparsity', step: t, value: await maskSparsity(masks) }])
      }
      await prune()
      applyMasks(current, masks)
      const onStepEnd = async (): Promise<void> => {
        t++
        if (t <= span && t % m.frequency === 0) await prune()
        applyMasks(current, masks)
      }
      const agpTrained = await task.train({
        model: current,
        training: { epochs: pruneEpochs },
        phase: 'agp',
        metricPrefix: 'agp.',
        onStepEnd,
      })
      if (t < span) await prune() // fewer updates than n·Δt: reach s_f anyway
      applyMasks(current, masks)
      const fineTuned = await finalTraining(ctx, current, m.finalEpochs, { stepOffset: pruneEpochs, onStepEnd: () => applyMasks(current, masks) })

      const kernelSparsity = await maskSparsity(masks)
      const sparse = await sparseExport(current)
      const parentSparse = await sparseExport(parent)
      mkdirSync(job.artifactDir, { recursive: true })
      const path = join(job.artifactDir, 'model.sparse')
      sink.artifact({ kind: 'sparse-model', ...atomicWrite(path, sparse) })
      sink.log(
        'info',
        `kernel sparsity ${(kernelSparsity * 100).toFixed(1)} %: sparse export ${sparse.byteLength} bytes ` +
          `(parent ${parentSparse.byteLength}), ${(parentSparse.byteLength / sparse.byteLength).toFixed(2)}× smaller`,
      )
      const extra = {
        sparsity: kernelSparsity,
        'sparse.bytes': sparse.byteLength,
        'parent.sparse.bytes': parentSparse.byteLength,
        'sparse.compression': parentSparse.byteLength / sparse.byteLength,
      }
      await finishPruned(ctx, { parent, before, model: current, trainings: [agpTrained, fineTuned], extra })
    } finally {
      disposeMasks(masks)
      model?.dispose()
    }
  })
}
