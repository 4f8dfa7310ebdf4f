/** `complab runs list|show`: read-only views of the database. */
import { intOption, openLab, stringOption, UsageError, type CommandContext } from '../context'
import { dropEmptyColumns, formatCell, resultCell, resultHeader, textTable } from '../format'
import { groupLines } from '../group-lines'
import { RUN_SORT_COLUMNS, type RunSortColumn } from '../../../src-shared/contract'
import { formatMetric } from '../../../src-shared/metrics'
import { RUN_STATUSES, type RunStatus, type RunSummary } from '../../../src-shared/types'
import { adapterLine } from '../../../src-shared/webgpu-adapter'
import type { Lab } from '../../lab/types'

export async function runsCommand(ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = ctx.args
  if (sub === 'list') return list({ ...ctx, args: rest })
  if (sub === 'show') return show({ ...ctx, args: rest })
  throw new UsageError(`unknown subcommand 'runs ${sub ?? ''}'`.trimEnd() + ' (use runs list or runs show <id>)')
}

async function list(ctx: CommandContext): Promise<number> {
  const status = stringOption(ctx, 'status')?.split(',').map((s) => s.trim())
  for (const s of status ?? []) {
    if (!(RUN_STATUSES as readonly string[]).includes(s)) {
      throw new UsageError(`--status '${s}' is not one of ${RUN_STATUSES.join(', ')}`)
    }
  }
  const sort = stringOption(ctx, 'sort')
  if (sort && !(RUN_SORT_COLUMNS as readonly string[]).includes(sort)) {
    throw new UsageError(`--sort '${sort}' is not one of ${RUN_SORT_COLUMNS.join(', ')}`)
  }
  const experiment = stringOption(ctx, 'experiment') !== undefined ? intOption(ctx, 'experiment', 1) : undefined
  const lab = await openLab(ctx, false)
  try {
    const { rows, total } = await lab.call('runs.list', {
      status: status as RunStatus[] | undefined,
      experimentId: experiment,
      role: stringOption(ctx, 'role'),
      search: stringOption(ctx, 'search'),
      sort: sort as RunSortColumn | undefined,
      direction: ctx.options.desc ? 'desc' : 'asc',
      limit: intOption(ctx, 'limit', 1) ?? 1000,
    })
    const stale = await staleRunning(lab)
    if (ctx.options.json) {
      ctx.out(JSON.stringify({ total, rows, staleRunning: [...stale] }, null, 2))
      return 0
    }
    const table = {
      columns: [
        { key: 'id', label: 'run' },
        { key: 'experiment', label: 'experiment' },
        { key: 'label', label: 'label' },
        { key: 'role', label: 'role' },
        { key: 'status', label: 'status' },
        { key: 'acc', label: resultHeader('test acc', 'test.accuracy') },
        { key: 'mAP', label: resultHeader('test mAP', 'test.mAP') },
        { key: 'created', label: 'created' },
      ],
      rows: rows.map((r) => ({
        id: r.id,
        experiment: `#${r.experimentId} ${r.experimentName}`,
        label: r.label,
        role: r.role,
        status: runningStatus(r, stale.has(r.id)),
        acc: resultCell('test.accuracy', r.results['test.accuracy']),
        mAP: resultCell('test.mAP', r.results['test.mAP']),
        created: r.createdAt,
      })),
    }
    ctx.out(textTable(dropEmptyColumns(table, ['acc', 'mAP'])))
    ctx.out(`${rows.length} of ${total} run${total === 1 ? '' : 's'}`)
    if (stale.size) ctx.out(staleNote(stale.size, lab.dbPath))
    return 0
  } finally {
    await lab.stop()
  }
}

/**
 * The runs marked `running` while no lab holds the database: the lab that ran them stopped
 * without recording their end (it was killed, or its machine went down).
 */
async function staleRunning(lab: Lab): Promise<Set<number>> {
  if (lab.schedulingPid() !== null) return new Set()
  const { rows } = await lab.call('runs.list', { status: ['running'], limit: 100_000 })
  return new Set(rows.map((r) => r.id))
}

function runningStatus(r: RunSummary, stale: boolean): string {
  if (stale) return 'running (stale)'
  return r.status === 'running' && r.progress ? `running ${Math.round(r.progress.fraction * 100)}%` : r.status
}

function staleNote(count: number, dbPath: string): string {
  const runs = count === 1 ? '1 run is' : `${count} runs are`
  return (
    `note: ${runs} marked running but no lab holds ${dbPath}: the lab that ran ${count === 1 ? 'it' : 'them'} stopped ` +
    'without recording the end; the next `complab resume`, `complab run` or `complab serve` marks ' +
    `${count === 1 ? 'it' : 'them'} interrupted`
  )
}

async function show(ctx: CommandContext): Promise<number> {
  const raw = ctx.args[0]
  if (!raw || !/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`runs show needs a run id, got '${raw ?? ''}'`)
  const lab = await openLab(ctx, false)
  try {
    const run = await lab.call('runs.get', { id: Number(raw) })
    if (ctx.options.json) {
      const metrics = await lab.call('runs.metrics', { id: run.id })
      const groups = await lab.call('runs.groups', { id: run.id })
      ctx.out(JSON.stringify({ ...run, metrics, groups }, null, 2))
      return 0
    }
    ctx.out(`run #${run.id}  ${run.label}  [${run.status}]${run.error ? `  ${run.error}` : ''}`)
    if (run.status === 'running' && lab.schedulingPid() === null) ctx.out(staleNote(1, lab.dbPath))
    ctx.out(`experiment #${run.experimentId} ${run.experimentName}   role ${run.role}   seed ${run.seed}   backend ${run.backend ?? '-'}`)
    if (run.adapter) ctx.out(`adapter ${adapterLine(run.adapter)}`)
    ctx.out(`created ${run.createdAt}   started ${run.startedAt ?? '-'}   finished ${run.finishedAt ?? '-'}`)
    if (run.teacherRunId) ctx.out(`teacher: run #${run.teacherRunId}`)
    ctx.out('\nparameters:')
    for (const [k, v] of Object.entries(run.params)) ctx.out(`  ${k} = ${formatCell(v)}`)
    ctx.out('\nresults:')
    // As the metric registry reads them: `test.accuracy = 93.12 %`, `params = 12,730`, `speedup = 1.84×`.
    for (const [k, v] of Object.entries(run.results)) ctx.out(`  ${k} = ${formatMetric(k, v)}`)
    for (const line of groupLines(await lab.call('runs.groups', { id: run.id }))) ctx.out(line)
    if (run.artifacts.length) {
      ctx.out('\nartifacts:')
      for (const a of run.artifacts) ctx.out(`  ${a.kind}  ${a.path}  ${a.bytes} bytes  sha256 ${a.sha256}`)
    }
    if (run.logs.length) {
      ctx.out('\nlog:')
      for (const l of run.logs) ctx.out(`  ${l.at} ${l.level} ${l.message}`)
    }
    return 0
  } finally {
    await lab.stop()
  }
}
