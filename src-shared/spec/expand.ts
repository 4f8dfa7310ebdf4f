/**
 * Expansion of an experiment spec into runs: a pure function (DESIGN §3).
 *
 * grid axes × seeds → configurations; a distillation adds the teacher runs it needs (one per
 * distinct teacher configuration and seed, shared by every student that uses it; an ensemble adds
 * one per member) and, when `baseline` is on, the student trained alone (one per distinct student
 * configuration and seed). A pruning method with `parent.source = train` adds the unpruned parent
 * run the same way (shared by every pruning run of that seed and configuration).
 */
import type { z } from 'zod'
import {
  experimentSpecSchema,
  isDetectionDataset,
  type DatasetSpec,
  type ExperimentSpec,
  type MethodSpec,
  type ModelSpec,
  type SingleTeacherSpec,
  type TrainingSpec,
  trainingSpecSchema,
} from './schema'

export type RunRole = 'model' | 'teacher' | 'baseline' | 'student' | 'parent' | 'pruned'

/**
 * A model a run starts from or learns from: a run of the same launch (by key, replaced by its id
 * at launch), an earlier run (by id), or an imported TF.js `model.json` (by path).
 */
export type ModelRef = { runKey: string } | { runId: number } | { path: string }
/** @deprecated name kept for readers of older code: a teacher is a ModelRef. */
export type TeacherRef = ModelRef

type DistillSpec = Extract<MethodSpec, { kind: 'distill' }>
type WithParent<M> = M extends { parent: unknown } ? Omit<M, 'parent'> & { parent: ModelRef } : never

/** A distillation as a run executes it: one teacher, or several whose logits are averaged. */
export type DistillRunMethod = Omit<DistillSpec, 'teacher' | 'baseline'> & { teacher: ModelRef[] }
/** A pruning-family method as a run executes it: the parent model resolved to a reference. */
export type PruneRunMethod = WithParent<MethodSpec>

type DetectDistillSpec = Extract<MethodSpec, { kind: 'detect-distill' }>
/** A detector distillation as a run executes it: the teacher resolved to a reference. */
export type DetectDistillRunMethod = Omit<DetectDistillSpec, 'teacher' | 'baseline'> & { teacher: ModelRef }
export type DetectRunMethod = Extract<MethodSpec, { kind: 'detect' }>

export type RunMethod = { kind: 'train' } | DistillRunMethod | PruneRunMethod | DetectRunMethod | DetectDistillRunMethod

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
function pointLabel(point: Record<string, unknown>, axes: [string, unknown[]][] = []): string {
  return Object.entries(point)
    .map(([k, v]) => {
      const values = axes.find(([path]) => path === k)?.[1] ?? []
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
      const where = `sweep.grid at ${pointLabel(point, axes)} → `
      for (const issue of zodIssues(again.error)) issues.push({ path: where + issue.path, message: issue.message })
      continue
    }
    configs.push({ point, spec: again.data })
  }
  if (issues.length) return { ok: false, issues: dedupeIssues(issues) }

  const runs: RunPlan[] = []
  const byKey = new Map<string, RunPlan>()
  const sharedKeys = new Map<string, string>()
  const counters = { teacher: 0, baseline: 0, parent: 0, run: 0 }

  const addShared = (kind: 'teacher' | 'baseline' | 'parent', identity: unknown, make: (key: string) => RunPlan): string => {
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

  // A shared teacher/baseline/parent run trains on the labels: `detect` for a detector distillation.
  const trainConfig = (s: ExperimentSpec, model: ModelSpec, overrides: object | undefined, seed: number): RunConfig => ({
    dataset: s.dataset,
    model,
    training: trainingSpecSchema.parse({ ...s.training, ...(overrides ?? {}) }),
    method: s.method.kind === 'detect-distill' ? { kind: 'detect', previews: s.method.previews } : isDetectionDataset(s.dataset) ? { kind: 'detect', previews: 3 } : { kind: 'train' },
    seed,
  })

  /** A teacher member as a reference, adding the shared run that trains it when needed. */
  const teacherRef = (s: ExperimentSpec, t: SingleTeacherSpec, seed: number, dependsOn: string[]): ModelRef => {
    if (t.source === 'run') return { runId: t.runId }
    if (t.source === 'import') return { path: t.path }
    const config = trainConfig(s, t.model, t.training, seed)
    const key = addShared('teacher', config, (k) => ({
      key: k,
      role: 'teacher',
      label: `teacher ${t.model.arch}${t.model.arch === 'mlp' ? ` ${t.model.hidden.join('-')}` : ''} seed ${seed}`,
      seed,
      config,
      dependsOn: [],
      sweepPoint: {},
    }))
    dependsOn.push(key)
    return { runKey: key }
  }

  /** The student trained alone on the labels, shared by every distillation of that seed. */
  const addBaseline = (s: ExperimentSpec, seed: number): void => {
    const config = trainConfig(s, s.model, undefined, seed)
    addShared('baseline', config, (k) => ({
      key: k,
      role: 'baseline',
      label: `student alone seed ${seed}`,
      seed,
      config,
      dependsOn: [],
      sweepPoint: {},
    }))
  }

  for (const seed of spec.sweep.seeds) {
    for (const { point, spec: s } of configs) {
      const label = pointLabel(point, axes)
      const suffix = `${label ? label + ' ' : ''}seed ${seed}`
      const m = s.method
      const dependsOn: string[] = []
      let role: RunRole = 'model'
      let name = suffix
      let method: RunMethod
      if (m.kind === 'train') {
        method = { kind: 'train' }
      } else if (m.kind === 'detect') {
        method = m
      } else if (m.kind === 'detect-distill') {
        const teacher = teacherRef(s, m.teacher, seed, dependsOn)
        if (m.baseline) addBaseline(s, seed)
        const { baseline: _baseline, teacher: _teacher, ...rest } = m
        method = { ...rest, teacher }
        role = 'student'
        name = `student ${suffix}`
      } else if (m.kind === 'distill') {
        const members = m.teacher.source === 'ensemble' ? m.teacher.members : [m.teacher]
        const teacher = members.map((t) => teacherRef(s, t, seed, dependsOn))
        if (m.baseline) addBaseline(s, seed)
        const { baseline: _baseline, teacher: _teacher, ...rest } = m
        method = { ...rest, teacher }
        role = 'student'
        name = `student ${suffix}`
      } else {
        let parent: ModelRef
        if (m.parent.source === 'run') parent = { runId: m.parent.runId }
        else if (m.parent.source === 'import') parent = { path: m.parent.path }
        else {
          const config = trainConfig(s, s.model, m.parent.training, seed)
          const key = addShared('parent', config, (k) => ({
            key: k,
            role: 'parent',
            label: `unpruned ${s.model.arch} seed ${seed}`,
            seed,
            config,
            dependsOn: [],
            sweepPoint: {},
          }))
          dependsOn.push(key)
          parent = { runKey: key }
        }
        method = { ...m, parent } as PruneRunMethod
        role = 'pruned'
        // The criterion goes in the name unless the sweep already shows it.
        // A label that already starts with the method (a sweep over method objects) is not repeated.
        if (label.startsWith(`${m.kind} `) || label === m.kind) {
          name = m.kind === 'prune' && !label.includes('criterion=') ? `prune ${m.criterion}${suffix.slice(m.kind.length)}` : suffix
        }
        else name = m.kind === 'prune' && !('method.criterion' in point) ? `prune ${m.criterion} ${suffix}` : `${m.kind} ${suffix}`
      }
      const key = `run-${counters.run++}`
      const plan: RunPlan = {
        key,
        role,
        label: name,
        seed,
        config: { dataset: s.dataset, model: s.model, training: s.training, method, seed },
        dependsOn,
        sweepPoint: point,
      }
      byKey.set(key, plan)
      runs.push(plan)
    }
  }
  // Teachers first, then baselines, then the rest: the queue order a user expects.
  const order: Record<RunRole, number> = { teacher: 0, parent: 0, baseline: 1, model: 2, student: 2, pruned: 2 }
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

/** A model reference as people read it: `run #12`, `file teachers/model.json`, `launch key teacher-0`. */
export function modelRefText(ref: ModelRef): string {
  if ('runId' in ref) return `run #${ref.runId}`
  if ('path' in ref) return `file ${ref.path}`
  return `launch key ${ref.runKey}`
}

/**
 * The flattened, fully resolved parameters stored with a run (`method.temperature`, …). Model
 * references read as text (`method.teacher: run #3 + run #4` for an ensemble), so that two runs
 * with different teachers differ in one readable cell.
 */
export function runParams(plan: RunPlan): Record<string, unknown> {
  const params: Record<string, unknown> = { role: plan.role, ...flattenParams(plan.config) }
  const { teachers, parent } = modelRefs(plan.config.method)
  if (teachers.length) params['method.teacher'] = teachers.map(modelRefText).join(' + ')
  if (parent) {
    for (const k of Object.keys(params)) if (k.startsWith('method.parent.')) delete params[k]
    params['method.parent'] = modelRefText(parent)
  }
  return params
}

/** The models a run reads: its teachers (distillation) and its parent (pruning methods). */
export function modelRefs(method: RunMethod): { teachers: ModelRef[]; parent: ModelRef | null } {
  if (method.kind === 'distill') return { teachers: method.teacher, parent: null }
  if (method.kind === 'detect-distill') return { teachers: [method.teacher], parent: null }
  if ('parent' in method) return { teachers: [], parent: method.parent }
  return { teachers: [], parent: null }
}

/** The same config with every model reference passed through `f` (e.g. launch keys → run ids). */
export function mapModelRefs(config: RunConfig, f: (ref: ModelRef) => ModelRef): RunConfig {
  const m = config.method
  if (m.kind === 'distill') return { ...config, method: { ...m, teacher: m.teacher.map(f) } }
  if (m.kind === 'detect-distill') return { ...config, method: { ...m, teacher: f(m.teacher) } }
  if ('parent' in m) return { ...config, method: { ...m, parent: f(m.parent) } }
  return config
}
