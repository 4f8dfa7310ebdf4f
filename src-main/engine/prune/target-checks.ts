/**
 * Launch-time checks of a pruning run against the planned parent (`models/prunable-plan.ts`),
 * without TensorFlow: the layers a spec names exist and can be pruned, `roundTo` names only pruned
 * layers, a ratio or unit target leaves every layer at least `minUnits`, and the criteria and
 * methods that need BatchNormalization get it. The worker makes the same checks on the real
 * parent; these fail a bad spec before anything is queued or trained.
 */
import type { RunMethod } from '../../../src-shared/spec/expand'
import type { PlannedUnits } from '../models/prunable-plan'

const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ')

/** The planned layers `names` picks (all when absent), or the first problem with the names. */
function pick(layers: readonly PlannedUnits[], names: readonly string[] | undefined, field: string): PlannedUnits[] | string {
  if (names === undefined) return [...layers]
  const known = quoted(layers.map((l) => l.name))
  if (names.length === 0) return `${field} is empty; prunable layers: ${known}`
  const picked: PlannedUnits[] = []
  for (const name of names) {
    const layer = layers.find((l) => l.name === name)
    if (!layer) return `${field}: unknown layer '${name}' (or one that cannot be pruned); prunable layers: ${known}`
    if (picked.includes(layer)) return `${field} names layer '${name}' twice`
    picked.push(layer)
  }
  return picked
}

/** Units that may go when each layer keeps `minUnits` and loses at most `maxRatio` of its units. */
function removable(layers: readonly PlannedUnits[], minUnits: number, maxRatio = 1): number {
  return layers.reduce((a, l) => a + Math.max(0, Math.min(l.units - minUnits, Math.floor(maxRatio * l.units + 1e-9))), 0)
}

function bnIssue(criterion: string, layers: readonly PlannedUnits[], withBn: (l: PlannedUnits) => boolean | null): string[] {
  if (criterion !== 'bn-scale') return []
  const without = layers.filter((l) => withBn(l) === false)
  return without.length ? [`method.criterion bn-scale needs a BatchNormalization after each pruned layer; ${quoted(without.map((l) => l.name))} have none`] : []
}

/**
 * Problems with a pruning method's targets on the planned parent; [] when none (or when the method
 * is not a pruning one). `hasBn` says whether a planned layer is followed by BatchNormalization
 * (null: cannot be known before the parent exists).
 */
export function pruneTargetIssues(m: RunMethod, layers: readonly PlannedUnits[], hasBn: (l: PlannedUnits) => boolean | null): string[] {
  const total = (ls: readonly PlannedUnits[]): number => ls.reduce((a, l) => a + l.units, 0)
  switch (m.kind) {
    case 'prune': {
      const picked = pick(layers, m.layers, 'method.layers')
      if (typeof picked === 'string') return [picked]
      const issues: string[] = []
      if (typeof m.roundTo !== 'number') {
        const names = new Set(picked.map((l) => l.name))
        const unknown = Object.keys(m.roundTo).filter((n) => !names.has(n))
        if (unknown.length) issues.push(`method.roundTo names ${quoted(unknown)}, not among the pruned layers: ${quoted([...names])}`)
      }
      const can = removable(picked, m.minUnits, m.maxRatioPerLayer)
      const all = total(picked)
      const keep =
        `each of the ${picked.length} pruned layers keeps at least minUnits = ${m.minUnits}` +
        (m.maxRatioPerLayer < 1 ? ` and loses at most maxRatioPerLayer = ${m.maxRatioPerLayer} of its units` : '')
      if (can === 0) issues.push(`nothing can be removed: ${keep}`)
      else if (m.target.ratio !== undefined) {
        const n = Math.floor(m.target.ratio * all + 1e-9)
        if (n === 0) issues.push(`method.target.ratio ${m.target.ratio} of ${all} prunable units removes none`)
        else if (n > can) issues.push(`method.target.ratio ${m.target.ratio} would remove ${n} of ${all} units: ${keep}, so at most ${can} can go`)
      }
      if (can > 0 && m.target.units !== undefined && m.target.units > can) {
        issues.push(`method.target.units ${m.target.units} would remove every unit of a layer: ${keep}, so at most ${can} of ${all} can go`)
      }
      return [...issues, ...bnIssue(m.criterion, picked, hasBn)]
    }
    case 'singh': {
      const seen = new Set<string>()
      for (const [i, names] of (m.phases ?? []).entries()) {
        const picked = pick(layers, names, `method.phases[${i}]`)
        if (typeof picked === 'string') return [picked]
        for (const l of picked) {
          if (seen.has(l.name)) return [`method.phases: layer '${l.name}' is in more than one phase`]
          seen.add(l.name)
        }
      }
      return []
    }
    case 'slimming': {
      const scaled = layers.filter((l) => hasBn(l) !== false)
      if (scaled.length === 0) return ['method slimming needs BatchNormalization after the layers it prunes, and the model has none']
      if (scaled.some((l) => hasBn(l) === null)) return []
      const n = Math.floor(m.ratio * total(scaled) + 1e-9)
      if (n === 0) return [`method.ratio ${m.ratio} of ${total(scaled)} BatchNorm-scaled channels removes none`]
      if (n > removable(scaled, 1)) return [`method.ratio ${m.ratio} would remove ${n} of ${total(scaled)} channels, which would empty a layer: at most ${removable(scaled, 1)} can go`]
      return []
    }
    case 'sensitivity':
      return bnIssue(m.criterion, layers, hasBn)
    default:
      return []
  }
}
