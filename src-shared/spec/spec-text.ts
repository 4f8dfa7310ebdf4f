/** Small pure helpers over spec values: issue paths, stable JSON, flattened params. */
import type { z } from 'zod'
import type { ExpansionIssue } from './run-plan'

/** Converts zod issues to `path: message` pairs that name the bad field. */
export function zodIssues(error: z.ZodError, prefix = ''): ExpansionIssue[] {
  return error.issues.map((issue) => {
    const parts = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    let path = prefix
    for (const p of parts) path += p.startsWith('[') ? p : path ? `.${p}` : p
    const keys = (issue as { keys?: string[] }).keys
    const message = keys?.length ? `${issue.message}: ${keys.join(', ')}` : issue.message
    return { path: path || '(spec)', message }
  })
}

/** Deterministic JSON (sorted keys), used to dedupe shared teacher/baseline runs. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** Flattens nested objects to dotted keys; arrays are kept as values (`model.hidden: [800, 800]`). */
export function flattenParams(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue
      flattenParams(v, prefix ? `${prefix}.${k}` : k, out)
    }
  } else if (prefix) {
    out[prefix] = value
  }
  return out
}

/** The issues with each (path, message) pair once. */
export function dedupeIssues(issues: ExpansionIssue[]): ExpansionIssue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
