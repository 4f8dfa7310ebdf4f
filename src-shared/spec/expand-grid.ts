/** The grid of a sweep: every combination of the axes' values, written into the spec. */
import type { ExpansionIssue } from './run-plan'
import { pointLabel } from './run-labels'
import { experimentSpecSchema, type ExperimentSpec } from './schema'
import { dedupeIssues, zodIssues } from './spec-text'

export type GridAxes = [string, unknown[]][]
export interface GridConfig {
  point: Record<string, unknown>
  spec: ExperimentSpec
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let node: Record<string, unknown> = target
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    if (!next || typeof next !== 'object' || Array.isArray(next)) {
      node[part] = {}
    }
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]] = value
}

function cartesian(axes: GridAxes): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}]
  for (const [path, values] of axes) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [path]: v })))
  }
  return points
}

/**
 * The spec at every point of its grid (sweep cleared), each validated again; or the issues of the
 * points that do not validate, each named by its point.
 */
export function gridConfigs(
  spec: ExperimentSpec,
): { ok: true; axes: GridAxes; configs: GridConfig[] } | { ok: false; issues: ExpansionIssue[] } {
  const axes = Object.entries(spec.sweep.grid)
  const issues: ExpansionIssue[] = []
  const configs: GridConfig[] = []
  for (const [path] of axes) {
    if (path.startsWith('sweep') || path === 'name' || path === 'version') {
      issues.push({ path: `sweep.grid["${path}"]`, message: 'this field cannot be swept' })
    }
  }
  if (issues.length) return { ok: false, issues }

  for (const point of cartesian(axes)) {
    const base = JSON.parse(JSON.stringify({ ...spec, sweep: { grid: {}, seeds: [0] } })) as Record<string, unknown>
    for (const [path, value] of Object.entries(point)) setPath(base, path, value)
    const again = experimentSpecSchema.safeParse(base)
    if (!again.success) {
      const where = `sweep.grid at ${pointLabel(point, axes)} → `
      for (const issue of zodIssues(again.error)) issues.push({ path: where + issue.path, message: issue.message })
      continue
    }
    configs.push({ point, spec: again.data })
  }
  if (issues.length) return { ok: false, issues: dedupeIssues(issues) }
  return { ok: true, axes, configs }
}
