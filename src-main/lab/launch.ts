/**
 * experiments.validate and experiments.launch: expand the spec (pure, src-shared), run the
 * engine's cheap checks on every run's config, check teachers named by run id, and insert the
 * experiment with all its runs in one transaction.
 */
import { LabError, type LaunchResult, type ValidateResult } from '../../src-shared/contract'
import {
  expandSpec,
  runParams,
  type ExpansionIssue,
  type RunPlan,
} from '../../src-shared/spec/expand'
import type { ExperimentSpec } from '../../src-shared/spec/schema'
import type { Store } from '../store/index'
import { checkRunConfig } from './engine-api'

export interface CheckedSpec {
  result: ValidateResult
  /** Present when the spec is valid. */
  plan?: { spec: ExperimentSpec; runs: RunPlan[] }
}

/** Problems with teachers given as `{ runId }`: they must exist, be finished and have a model. */
function teacherIssues(store: Store, runs: readonly RunPlan[]): ExpansionIssue[] {
  const ids = new Set<number>()
  for (const r of runs) {
    const m = r.config.method
    if (m.kind === 'distill' && 'runId' in m.teacher) ids.add(m.teacher.runId)
  }
  const issues: ExpansionIssue[] = []
  for (const id of ids) {
    const teacher = store.runs.get(id)
    const path = 'method.teacher.runId'
    if (!teacher) issues.push({ path, message: `teacher run #${id} does not exist` })
    else if (teacher.status !== 'finished')
      issues.push({ path, message: `teacher run #${id} is not finished (it is ${teacher.status})` })
    else if (!store.outputs.modelArtifact(id))
      issues.push({ path, message: `teacher run #${id} has no saved model (model.json)` })
  }
  return issues
}

/** The engine's checks of each run (files exist, shapes fit…), each distinct problem once. */
function engineIssues(runs: readonly RunPlan[], dataDir: string): ExpansionIssue[] {
  const byMessage = new Map<string, string[]>()
  for (const r of runs) {
    for (const message of checkRunConfig(r.config, dataDir)) {
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

/** Validates a spec without changing anything. */
export function checkSpec(store: Store, dataDir: string, input: unknown): CheckedSpec {
  const expanded = expandSpec(input)
  if (!expanded.ok)
    return { result: { valid: false, issues: expanded.issues, runCount: 0, runs: [] } }
  const issues = [...teacherIssues(store, expanded.runs), ...engineIssues(expanded.runs, dataDir)]
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
export function launchSpec(store: Store, dataDir: string, input: unknown): LaunchResult {
  const checked = checkSpec(store, dataDir, input)
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
    const ids = new Map<string, number>()
    for (const plan of runs) {
      const id = store.runs.insert({
        experimentId,
        key: plan.key,
        role: plan.role,
        label: plan.label,
        method: plan.config.method.kind,
        seed: plan.seed,
        params: runParams(plan),
        config: plan.config,
        createdAt,
      })
      ids.set(plan.key, id)
      store.annotations.addTags(id, spec.tags)
    }
    for (const plan of runs) {
      const dependsOn = plan.dependsOn.map((key) => {
        const id = ids.get(key)
        if (id === undefined)
          throw new LabError(
            'internal',
            `run ${plan.key} depends on ${key}, which the spec did not produce`,
          )
        return id
      })
      const m = plan.config.method
      if (m.kind !== 'distill') {
        if (dependsOn.length) store.runs.link(ids.get(plan.key) as number, dependsOn, null)
        continue
      }
      if ('runId' in m.teacher) {
        store.runs.link(ids.get(plan.key) as number, dependsOn, m.teacher.runId)
        continue
      }
      const teacherRunId = ids.get(m.teacher.runKey)
      if (teacherRunId === undefined)
        throw new LabError(
          'internal',
          `run ${plan.key} names teacher ${m.teacher.runKey}, which the spec did not produce`,
        )
      // The stored params name the teacher by run id: a launch-local key means nothing later.
      const params = Object.fromEntries(
        Object.entries(runParams(plan)).map(([k, v]) =>
          k === 'method.teacher.runKey' ? ['method.teacher.runId', teacherRunId] : [k, v],
        ),
      )
      store.runs.link(ids.get(plan.key) as number, dependsOn, teacherRunId, params)
    }
    return { experimentId, runIds: runs.map((r) => ids.get(r.key) as number) }
  })
}
