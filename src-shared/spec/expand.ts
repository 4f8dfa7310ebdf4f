/**
 * Expansion of an experiment spec into runs: a pure function (DESIGN §3).
 *
 * grid axes × seeds → configurations; a distillation adds the teacher runs it needs (one per
 * distinct teacher configuration and seed, shared by every student that uses it) and, when
 * `baseline` is on, the student trained alone (one per distinct student configuration and seed).
 */
import type { z } from 'zod'
import {
  experimentSpecSchema,
  type DatasetSpec,
  type ExperimentSpec,
  type ModelSpec,
  type TrainingSpec,
  trainingSpecSchema,
} from './schema'

export type RunRole = 'model' | 'teacher' | 'baseline' | 'student'

/** How a distillation run names its teacher: a run of the same launch (by key) or an earlier run. */
export type TeacherRef = { runKey: string } | { runId: number }

export type RunMethod =
  | { kind: 'train' }
  | { kind: 'distill'; loss: 'hinton'; temperature: number; alpha: number; teacher: TeacherRef }

/** Everything the engine needs to execute one run; stored flattened as the run's params. */
export interface RunConfig {
  dataset: DatasetSpec
  model: ModelSpec
  training: TrainingSpec
  method: RunMethod
  seed: number
}

export interface RunPlan {
  /** Unique within the launch; dependencies refer to it. */
  key: string
  role: RunRole
  /** Human-readable name, e.g. `student T=4 seed 1`. */
  label: string
  seed: number
  config: RunConfig
  /** Keys of runs of the same launch that must finish first. */
  dependsOn: string[]
  /** The grid values that produced this run (empty for shared teacher/baseline runs). */
  sweepPoint: Record<string, unknown>
}

export interface ExpansionIssue {
  path: string
  message: string
}

export type ExpansionResult =
  | { ok: true; spec: ExperimentSpec; runs: RunPlan[] }
  | { ok: false; issues: ExpansionIssue[] }

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

function cartesian(axes: [string, unknown[]][]): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}]
  for (const [path, values] of axes) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [path]: v })))
  }
  return points
}

function formatValue(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : stableStringify(v)
}

const SHORT_NAMES: Record<string, string> = {
  'method.temperature': 'T',
  'method.alpha': 'α',
  'training.learningRate': 'lr',
  'training.epochs': 'epochs',
}

function pointLabel(point: Record<string, unknown>): string {
  return Object.entries(point)
    .map(([k, v]) => `${SHORT_NAMES[k] ?? k}=${formatValue(v)}`)
    .join(' ')
}

/**
 * Validates a spec and expands it into the runs to launch. Never throws on bad input: every
 * problem comes back as an issue naming its path.
 */
export function expandSpec(input: unknown): ExpansionResult {
  const parsed = experimentSpecSchema.safeParse(input)
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) }
  const spec = parsed.data

  const axes = Object.entries(spec.sweep.grid)
  const issues: ExpansionIssue[] = []
  const configs: { point: Record<string, unknown>; spec: ExperimentSpec }[] = []
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
      const where = `sweep.grid at ${pointLabel(point)} → `
      for (const issue of zodIssues(again.error)) issues.push({ path: where + issue.path, message: issue.message })
      continue
    }
    configs.push({ point, spec: again.data })
  }
  if (issues.length) return { ok: false, issues: dedupeIssues(issues) }

  const runs: RunPlan[] = []
  const byKey = new Map<string, RunPlan>()
  const sharedKeys = new Map<string, string>()
  const counters = { teacher: 0, baseline: 0, run: 0 }

  const addShared = (kind: 'teacher' | 'baseline', identity: unknown, make: (key: string) => RunPlan): string => {
    const id = `${kind}:${stableStringify(identity)}`
    const existing = sharedKeys.get(id)
    if (existing) return existing
    const key = `${kind}-${counters[kind]++}`
    const plan = make(key)
    sharedKeys.set(id, key)
    byKey.set(key, plan)
    runs.push(plan)
    return key
  }

  for (const seed of spec.sweep.seeds) {
    for (const { point, spec: s } of configs) {
      const label = pointLabel(point)
      if (s.method.kind === 'train') {
        const key = `run-${counters.run++}`
        const plan: RunPlan = {
          key,
          role: 'model',
          label: `${label ? label + ' ' : ''}seed ${seed}`,
          seed,
          config: { dataset: s.dataset, model: s.model, training: s.training, method: { kind: 'train' }, seed },
          dependsOn: [],
          sweepPoint: point,
        }
        byKey.set(key, plan)
        runs.push(plan)
        continue
      }
      const m = s.method
      let teacher: TeacherRef
      const dependsOn: string[] = []
      if (m.teacher.source === 'run') {
        teacher = { runId: m.teacher.runId }
      } else {
        const teacherTraining = trainingSpecSchema.parse({ ...s.training, ...(m.teacher.training ?? {}) })
        const teacherConfig: RunConfig = {
          dataset: s.dataset,
          model: m.teacher.model,
          training: teacherTraining,
          method: { kind: 'train' },
          seed,
        }
        const key = addShared('teacher', teacherConfig, (k) => ({
          key: k,
          role: 'teacher',
          label: `teacher ${m.teacher.source === 'train' ? m.teacher.model.arch : ''} seed ${seed}`.replace(/\s+/g, ' '),
          seed,
          config: teacherConfig,
          dependsOn: [],
          sweepPoint: {},
        }))
        teacher = { runKey: key }
        dependsOn.push(key)
      }
      if (m.baseline) {
        const baselineConfig: RunConfig = {
          dataset: s.dataset,
          model: s.model,
          training: s.training,
          method: { kind: 'train' },
          seed,
        }
        addShared('baseline', baselineConfig, (k) => ({
          key: k,
          role: 'baseline',
          label: `student alone seed ${seed}`,
          seed,
          config: baselineConfig,
          dependsOn: [],
          sweepPoint: {},
        }))
      }
      const key = `run-${counters.run++}`
      const plan: RunPlan = {
        key,
        role: 'student',
        label: `student ${label ? label + ' ' : ''}seed ${seed}`,
        seed,
        config: {
          dataset: s.dataset,
          model: s.model,
          training: s.training,
          method: { kind: 'distill', loss: m.loss, temperature: m.temperature, alpha: m.alpha, teacher },
          seed,
        },
        dependsOn,
        sweepPoint: point,
      }
      byKey.set(key, plan)
      runs.push(plan)
    }
  }
  // Teachers first, then baselines, then the rest: the queue order a user expects.
  const order: Record<RunRole, number> = { teacher: 0, baseline: 1, model: 2, student: 2 }
  runs.sort((a, b) => order[a.role] - order[b.role])
  return { ok: true, spec, runs }
}

function dedupeIssues(issues: ExpansionIssue[]): ExpansionIssue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** The flattened, fully resolved parameters stored with a run (`method.temperature`, …). */
export function runParams(plan: RunPlan): Record<string, unknown> {
  return { role: plan.role, ...flattenParams(plan.config) }
}
