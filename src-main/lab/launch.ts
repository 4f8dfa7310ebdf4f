/**
 * experiments.validate and experiments.launch: expand the spec (pure, src-shared), run the
 * engine's cheap checks on every run's config, check teachers named by run id, and insert the
 * experiment with all its runs in one transaction.
 */
import { LabError, type LaunchResult, type ValidateResult } from '../../src-shared/contract'
import {
  expandSpec,
  mapModelRefs,
  modelRefs,
  runParams,
  type ExpansionIssue,
  type RunPlan,
} from '../../src-shared/spec/expand'
import type { ExperimentSpec, ModelSpec } from '../../src-shared/spec/schema'
import type { Store } from '../store/index'
import { checkRunConfig } from './engine-api'
import { importedModelIssues } from './model-check'
import { confinedPathIssues } from './path-rules'

/** How a launch is checked beyond its schema. */
export interface LaunchRules {
  /** Refuse file paths outside the data folder (requests from the server, DESIGN §8). */
  confinePaths?: boolean
}

export interface CheckedSpec {
  result: ValidateResult
  /** Present when the spec is valid. */
  plan?: { spec: ExperimentSpec; runs: RunPlan[] }
}

/**
 * Problems with models named by an earlier run's id (teachers, pruning parents): the run must
 * exist, be finished and have a saved model.
 */
function teacherIssues(store: Store, runs: readonly RunPlan[]): ExpansionIssue[] {
  const ids = new Map<number, string>()
  for (const r of runs) {
    const { teachers, parent } = modelRefs(r.config.method)
    for (const ref of teachers) if ('runId' in ref) ids.set(ref.runId, 'teacher')
    if (parent && 'runId' in parent) ids.set(parent.runId, 'parent')
  }
  const issues: ExpansionIssue[] = []
  for (const [id, what] of ids) {
    const run = store.runs.get(id)
    const path = `method.${what}.runId`
    if (!run) issues.push({ path, message: `${what} run #${id} does not exist` })
    else if (run.status !== 'finished')
      issues.push({ path, message: `${what} run #${id} is not finished (it is ${run.status})` })
    else if (!store.outputs.modelArtifact(id))
      issues.push({ path, message: `${what} run #${id} has no saved model (model.json)` })
  }
  return issues
}

/** The model an earlier training run gave a pruning run's parent (its spec), when it trained one. */
export function parentModelOf(store: Store, plan: RunPlan): ModelSpec | undefined {
  const { parent } = modelRefs(plan.config.method)
  if (!parent || !('runId' in parent)) return undefined
  const run = store.runs.get(parent.runId)
  const kind = run?.config.method.kind
  return kind === 'train' || kind === 'detect' ? run?.config.model : undefined
}

/** The engine's checks of each run (files exist, shapes fit…), each distinct problem once. */
function engineIssues(store: Store, runs: readonly RunPlan[], dataDir: string): ExpansionIssue[] {
  const byMessage = new Map<string, string[]>()
  for (const r of runs) {
    const parentModel = parentModelOf(store, r)
    for (const message of checkRunConfig(r.config, dataDir, parentModel ? { parentModel } : {})) {
      const keys = byMessage.get(message) ?? []
      keys.push(r.key)
      byMessage.set(message, keys)
    }
  }
  return [...byMessage.entries()].map(([message, keys]) => ({
    // `runs` when every run has the problem (a missing file), else the keys of those that do.
    path: keys.length === runs.length ? 'runs' : `runs[${keys.join(', ')}]`,
    message,
  }))
}

/** Most runs one launch may create (every grid point × every seed, teachers aside). */
export const MAX_LAUNCH_RUNS = 10_000

/**
 * The size of a sweep, counted on the raw input before anything expands it: a grid of a few
 * long axes names billions of points in a small request, and expanding them would hold the
 * lab's event loop for good.
 */
export function sweepSizeIssue(input: unknown): ExpansionIssue | null {
  if (!input || typeof input !== 'object') return null
  const sweep = (input as { sweep?: unknown }).sweep
  if (!sweep || typeof sweep !== 'object') return null
  const { grid, seeds } = sweep as { grid?: unknown; seeds?: unknown }
  let points = 1
  if (grid && typeof grid === 'object' && !Array.isArray(grid)) {
    for (const values of Object.values(grid)) if (Array.isArray(values)) points *= Math.max(1, values.length)
  }
  const runs = points * (Array.isArray(seeds) ? Math.max(1, seeds.length) : 1)
  if (runs <= MAX_LAUNCH_RUNS) return null
  const count = Number.isFinite(runs) ? runs.toLocaleString('en-US') : 'too many'
  return {
    path: 'sweep',
    message: `the sweep makes ${count} runs (grid points × seeds); one launch may make at most ${MAX_LAUNCH_RUNS.toLocaleString('en-US')}`,
  }
}

/** Validates a spec without changing anything. */
export function checkSpec(
  store: Store,
  dataDir: string,
  input: unknown,
  rules: LaunchRules = {},
): CheckedSpec {
  const tooBig = sweepSizeIssue(input)
  if (tooBig) return { result: { valid: false, issues: [tooBig], runCount: 0, runs: [] } }
  const expanded = expandSpec(input)
  if (!expanded.ok)
    return { result: { valid: false, issues: expanded.issues, runCount: 0, runs: [] } }
  // A refused path is reported before the engine's checks read anything.
  const pathIssues = rules.confinePaths ? confinedPathIssues(dataDir, expanded.paths) : []
  const issues = pathIssues.length
    ? pathIssues
    : [
        ...teacherIssues(store, expanded.runs),
        ...importedModelIssues(dataDir, expanded.runs),
        ...engineIssues(store, expanded.runs, dataDir),
      ]
  const runs = expanded.runs.map((r) => ({ key: r.key, role: r.role, label: r.label }))
  const result: ValidateResult = { valid: issues.length === 0, issues, runCount: runs.length, runs }
  return issues.length ? { result } : { result, plan: { spec: expanded.spec, runs: expanded.runs } }
}

/** One message naming every issue, e.g. `training.epochs: Too small…; model.arch: Invalid…`. */
export function issuesMessage(issues: readonly ExpansionIssue[]): string {
  const parts = issues.map((i) => `${i.path}: ${i.message}`)
  return issues.length === 1
    ? `invalid spec: ${parts[0]}`
    : `invalid spec (${issues.length} problems): ${parts.join('; ')}`
}

/**
 * Inserts the experiment and every run of the spec in one transaction. Throws `invalid_input`
 * naming every problem when the spec is not valid; nothing is written then.
 */
export function launchSpec(
  store: Store,
  dataDir: string,
  input: unknown,
  rules: LaunchRules = {},
): LaunchResult {
  const checked = checkSpec(store, dataDir, input, rules)
  if (!checked.plan)
    throw new LabError('invalid_input', issuesMessage(checked.result.issues), checked.result.issues)
  const { spec, runs } = checked.plan
  return store.transaction(() => {
    // A teacher named by id is checked again inside the transaction: it cannot vanish in between.
    const late = teacherIssues(store, runs)
    if (late.length) throw new LabError('invalid_input', issuesMessage(late), late)
    const createdAt = new Date().toISOString()
    const experimentId = store.experiments.insert({
      name: spec.name,
      description: spec.description ?? null,
      spec,
      createdAt,
    })
    // Runs come teachers and parents first (expandSpec sorts them), so every launch-local key a
    // run names already has its id: the stored config and params name models by run id only.
    const ids = new Map<string, number>()
    const idOf = (plan: RunPlan, key: string): number => {
      const id = ids.get(key)
      if (id === undefined)
        throw new LabError('internal', `run ${plan.key} depends on ${key}, which comes later or not at all`)
      return id
    }
    for (const plan of runs) {
      const config = mapModelRefs(plan.config, (ref) => ('runKey' in ref ? { runId: idOf(plan, ref.runKey) } : ref))
      const { teachers, parent } = modelRefs(config.method)
      const firstTeacher = teachers.find((t): t is { runId: number } => 'runId' in t)
      const id = store.runs.insert({
        experimentId,
        key: plan.key,
        role: plan.role,
        label: plan.label,
        method: config.method.kind,
        seed: plan.seed,
        params: runParams({ ...plan, config }),
        config,
        dependsOn: plan.dependsOn.map((key) => idOf(plan, key)),
        teacherRunId: firstTeacher?.runId ?? null,
        parentRunId: parent && 'runId' in parent ? parent.runId : null,
        createdAt,
      })
      ids.set(plan.key, id)
      store.annotations.addTags(id, spec.tags)
    }
    return { experimentId, runIds: runs.map((r) => ids.get(r.key) as number) }
  })
}
