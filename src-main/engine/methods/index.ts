/**
 * Method kind → executor of a classification run. A new method is one file beside this one and one
 * line here. Runs on detection datasets go to `executeDetectionRun` (detect.ts) instead.
 */
import type { RunMethod } from '../../../src-shared/spec/expand'
import type { MethodExecutor } from './context'
import { executeDistill } from './distill'
import { executeMagnitude } from './magnitude'
import { executePrune } from './prune'
import { executeSensitivity } from './sensitivity'
import { executeSingh } from './singh'
import { executeSlimming } from './slimming'
import { executeTrain } from './train'

type Executors = { [K in RunMethod['kind']]?: MethodExecutor<Extract<RunMethod, { kind: K }>> }

export const METHOD_EXECUTORS: Executors = {
  train: executeTrain,
  distill: executeDistill,
  prune: executePrune,
  singh: executeSingh,
  magnitude: executeMagnitude,
  slimming: executeSlimming,
  sensitivity: executeSensitivity,
}

export function executorFor(kind: RunMethod['kind']): MethodExecutor {
  const executor = METHOD_EXECUTORS[kind] as MethodExecutor | undefined
  if (!executor) throw new Error(`method '${kind}' cannot run in this version of the engine`)
  return executor
}
