/** Run names: a grid point as `T=4 lr=0.01` (a swept model as `mlp 16`), and the name of a pruned run. */
import { modelSpecName } from './model-name'
import { stableStringify } from './spec-text'

function formatValue(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : stableStringify(v)
}

const SHORT_NAMES: Record<string, string> = {
  'method.temperature': 'T',
  'method.criterion': 'criterion',
  'method.target.ratio': 'ratio',
  'method.alpha': 'α',
  'training.learningRate': 'lr',
  'training.epochs': 'epochs',
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The label of a grid point. An axis of whole objects (e.g. `method` swept over several method
 * objects) is labelled by what differs between its values: a differing `kind` bare, then the fields
 * that differ between the values of the same kind as key=value (`singh`, `prune criterion=taylor`,
 * `fmNms=false objectnessScaling=false`).
 */
export function pointLabel(point: Record<string, unknown>, axes: [string, unknown[]][] = []): string {
  return Object.entries(point)
    .map(([k, v]) => {
      const values = axes.find(([path]) => path === k)?.[1] ?? []
      // A swept model (the student, a teacher's model) reads by its name: `mlp 16`, `lenet5 6-16`.
      if ((k === 'model' || k.endsWith('.model')) && isPlainObject(v) && typeof v.arch === 'string') return modelSpecName(v)
      if (isPlainObject(v) && values.length > 1 && values.every(isPlainObject)) {
        const differ = (among: Record<string, unknown>[], key: string): boolean => new Set(among.map((o) => stableStringify(o[key]))).size > 1
        const kinds = differ(values, 'kind')
        const peers = kinds ? values.filter((o) => o.kind === v.kind) : values
        const keys = [...new Set(peers.flatMap((o) => Object.keys(o)))].filter((key) => key !== 'kind').sort()
        const parts = [
          ...(kinds ? [String(v.kind)] : []),
          ...keys.filter((key) => differ(peers, key) && v[key] !== undefined).map((key) => `${key}=${formatValue(v[key])}`),
        ]
        if (parts.length > 0) return parts.join(' ')
      }
      return `${SHORT_NAMES[k] ?? k}=${formatValue(v)}`
    })
    .join(' ')
}
