/**
 * Method kind → executor, for every task: one registry dispatches every run. A new method is one
 * file beside this one and one line here. Which task each kind runs on is `methodTasks`
 * (method-tasks.ts, checked at launch); `train` and `detect` share one executor.
 */
import type { RunMethod } from '../../../src-shared/spec/expand'
import type { MethodExecutor } from './context'
import { executeDetectDistill } from './detect-distill'
import { executeDistill } from './distill'
import { executeMagnitude } from './magnitude'
import { executePrune } from './prune'
import { executeQuantize } from './quantize'
import { executeSensitivity } from './sensitivity'
import { executeSingh } from './singh'
import { executeSlimming } from './slimming'
import { executeTrain } from './train'

type Executors = { [K in RunMethod['kind']]?: MethodExecutor<Extract<RunMethod, { kind: K }>> }

export const METHOD_EXECUTORS: Executors = {
  train: executeTrain,
  detect: executeTrain,
  distill: executeDistill,
  'detect-distill': executeDetectDistill,
  prune: executePrune,
  singh: executeSingh,
  magnitude: executeMagnitude,
  slimming: executeSlimming,
  sensitivity: executeSensitivity,
  quantize: executeQuantize,
}

export function executorFor(kind: RunMethod['kind']): MethodExecutor {
  const executor = METHOD_EXECUTORS[kind] as MethodExecutor | undefined
  if (!executor) throw new Error(`method '${kind}' cannot run in this version of the engine`)
  return executor
}
