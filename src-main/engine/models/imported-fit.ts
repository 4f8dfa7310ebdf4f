/**
 * Whether the models a run imports (teachers, pruning parents given as `model.json` files) fit
 * its dataset, checked at launch from their topology without TensorFlow: one input of the
 * examples' shape (a teacher may take the same values flat), one output of one score per class.
 * A pruning parent's layers must all be of a kind pruning knows (named with its class otherwise).
 * A file that cannot be read is left to the file checks (`lab/model-check.ts`), which name it.
 */
import { readFileSync } from 'node:fs'
import { modelRefs, type RunConfig } from '../../../src-shared/spec/expand'
import { resolveDataPath } from '../data/data-path'
import { firstUnsupportedLayer } from '../prune/layer-kinds/registry'
import { modelFit, readTopology, type TopologyFacts } from './model-topology'

/** The dataset as a model must take it; the class count is read only if a model needs it. */
export interface DatasetFacts {
  inputShape: number[]
  numClasses: () => number | null
}

function topologyAt(path: string): TopologyFacts | null {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { modelTopology?: unknown }
    const facts = readTopology(json.modelTopology)
    return typeof facts === 'string' ? null : facts
  } catch {
    return null
  }
}

/** One line per imported model of `config` that does not fit the dataset; [] when all fit. */
export function importedModelFitIssues(config: RunConfig, dataDir: string, dataset: DatasetFacts): string[] {
  const { teachers, parent } = modelRefs(config.method)
  const refs = [
    ...teachers.map((ref) => ({ ref, role: 'teacher', exact: false })),
    ...(parent ? [{ ref: parent, role: 'parent', exact: true }] : []),
  ]
  const issues: string[] = []
  let classes: number | null | undefined
  for (const { ref, role, exact } of refs) {
    if (!('path' in ref)) continue
    const facts = topologyAt(resolveDataPath(dataDir, ref.path))
    if (!facts) continue
    try {
      classes ??= dataset.numClasses()
    } catch (e) {
      // A label file that headers said was sound but cannot be read whole.
      return [`dataset ${config.dataset.name}: ${(e as Error).message}`]
    }
    const problem = modelFit(facts, dataset.inputShape, classes, exact)
    if (problem) issues.push(`${role} model ${ref.path} does not fit the dataset: ${problem}`)
    // A pruning parent's graph must be one the dependency groups understand (layer-kinds/registry).
    const unknown = role === 'parent' && 'parent' in config.method ? firstUnsupportedLayer(facts.layers) : null
    if (unknown) issues.push(`parent model ${ref.path}: ${unknown}`)
  }
  return issues
}
