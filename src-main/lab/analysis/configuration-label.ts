/** A configuration as the tables name it: a run's label without its seed, swept objects read as words. */
import { stableStringify } from '../../../src-shared/spec/expand'
import { modelSpecName } from '../../../src-shared/spec/model-name'

/** A swept object value as people read it: `munge multiplier=10 p=0.5`, a teacher by its model. */
function readableValue(value: Record<string, unknown>): string {
  if (typeof value.kind === 'string') {
    const rest = Object.entries(value).filter(([k]) => k !== 'kind')
    return [value.kind, ...rest.map(([k, v]) => `${k}=${typeof v === 'object' ? stableStringify(v) : String(v)}`)].join(' ')
  }
  if (value.source === 'train' && value.model && typeof value.model === 'object') return modelSpecName(value.model as Record<string, unknown>)
  return stableStringify(value)
}

/**
 * The run's label without its seed (`student T=4 seed 2` → `student T=4`): one configuration.
 * Swept objects (`method.transfer={"kind":"munge",…}`) read as `transfer: munge multiplier=10 …`.
 */
export function configurationLabel(label: string): string {
  return label
    .replace(/\s*seed \d+$/, '')
    .split(' ')
    .map((token) => {
      const m = /^(?:method\.)?([\w.]+)=(\{.*\})$/.exec(token)
      if (!m) return token
      try {
        return `${m[1]}: ${readableValue(JSON.parse(m[2]) as Record<string, unknown>)},`
      } catch {
        return token
      }
    })
    .join(' ')
    .replace(/,$/, '')
}
