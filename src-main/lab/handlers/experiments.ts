/** Experiments: checking and launching specs, the list, and the launch form's examples and schema. */
import { specJsonSchema } from '../../../src-shared/spec/schema'
import { listExamples } from '../examples'
import { checkSpec, launchSpec } from '../launch'
import { specLayers } from '../spec-layers'
import type { DomainContext, DomainHandlers } from './context'

type ExperimentMethod = 'experiments.validate' | 'experiments.launch' | 'experiments.list' | 'specs.examples' | 'specs.schema' | 'specs.layers'

export function experimentHandlers(ctx: DomainContext): DomainHandlers<ExperimentMethod> {
  const { store, scheduler, events, dataDir } = ctx
  let schema: Record<string, unknown> | null = null
  return {
    'experiments.validate': ({ spec }) => checkSpec(store, dataDir, spec, ctx).result,
    'experiments.launch': ({ spec }) => {
      const launched = launchSpec(store, dataDir, spec, ctx)
      events.emit('run.created', launched)
      scheduler.wake()
      return launched
    },
    'experiments.list': () => store.experiments.list(),
    'specs.examples': () => listExamples(),
    'specs.schema': () => (schema ??= specJsonSchema()),
    'specs.layers': ({ spec }) => specLayers(store, dataDir, spec, ctx),
  }
}
