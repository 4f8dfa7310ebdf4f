/**
 * Following runs on the terminal, for `complab run` and `complab resume`: a line per status
 * change and per epoch (a live progress bar on a terminal), Ctrl-C stopping the lab, and the
 * closing table of outcomes with the exit code.
 */
import type { EventPayloads } from '../../src-shared/contract'
import type { RunProgress, RunSummary } from '../../src-shared/types'
import type { Lab } from '../lab/types'
import type { CommandContext } from './context'
import { bar, dropEmptyColumns, duration, formatCell, resultCell, resultHeader, textTable } from './format'

/** Metrics shown on the per-epoch line, in this order, when the run reports them. */
const EPOCH_KEYS = ['train.loss', 'train.accuracy', 'val.accuracy', 'test.loss', 'test.accuracy', 'test.mAP', 'epoch.seconds']
/** Metrics shown on a pruning step's line (the step's metric first, then size). */
const STEP_KEYS = ['test.accuracy', 'test.mAP', 'params', 'macs', 'removed']

export interface Follower {
  /** The runs to follow and their labels: events held until now are printed. */
  follow(runs: { id: number; label: string }[]): void
  /** A line on stdout (clears the progress bar first). */
  say(line: string): void
  /** True once Ctrl-C (or SIGTERM) stopped the lab. */
  readonly interrupted: boolean
  /** Stops listening (events and signals). */
  close(): void
}

/**
 * Prints what `lab` reports about the runs given to `follow()`. Subscribe before anything may
 * start: events that arrive before the run ids are known are held, then replayed.
 */
export function followRuns(ctx: CommandContext, lab: Lab): Follower {
  const quiet = ctx.options.quiet === true
  const tty = process.stderr.isTTY === true && !quiet
  const labels = new Map<number, string>()
  let pending: (() => void)[] | null = []
  const ours = (runId: number, replay: () => void): boolean => {
    if (pending) {
      pending.push(replay)
      return false
    }
    return labels.has(runId)
  }
  const progress = new Map<number, RunProgress>()
  let barShown = false
  let lastBar = 0

  const clearBar = (): void => {
    if (barShown) process.stderr.write('\r\x1b[2K')
    barShown = false
  }
  const say = (line: string): void => {
    clearBar()
    ctx.out(line)
  }
  const name = (runId: number): string => `#${runId} ${labels.get(runId) ?? ''}`.trimEnd()

  /** The line of one epoch (or pruning step, or Singh phase) of a run. */
  const printStep = (runId: number, points: EventPayloads['run.metric']['points']): void => {
    const byKey = new Map(points.map((p) => [p.key, p]))
    // A pruning step (or a Singh phase) reports removed units: its line counts steps or phases.
    const pruning = byKey.has('removed')
    const inLoop = pruning && progress.get(runId)?.phase === 'prune'
    const shown = (pruning ? STEP_KEYS : EPOCH_KEYS).filter((k) => byKey.has(k))
    if (!shown.length) return
    const step = byKey.get(shown[0])!.step
    const total = !pruning || inLoop ? progress.get(runId)?.epochs : undefined
    // Step 0 is the unpruned model, reported before the loop's first progress event.
    const unit = pruning ? (inLoop || step === 0 ? 'step' : 'phase') : 'epoch'
    say(`${name(runId)}  ${unit} ${step}${total ? `/${total}` : ''}  ${shown.map((k) => `${k} ${formatCell(byKey.get(k)!.value)}`).join('  ')}`)
  }

  const unsubscribe = [
    lab.subscribe('run.status', function onStatus(e: EventPayloads['run.status']): void {
      if (!ours(e.runId, () => onStatus(e))) return
      say(`${name(e.runId)}: ${e.status}${e.error ? ` (${e.error})` : ''}`)
    }),
    lab.subscribe('run.progress', function onProgress(e: EventPayloads['run.progress']): void {
      if (!ours(e.runId, () => onProgress(e))) return
      progress.set(e.runId, e)
      if (!tty || Date.now() - lastBar < 100) return
      lastBar = Date.now()
      process.stderr.write(
        `\r\x1b[2K${bar(e.fraction)} ${name(e.runId)} ${e.phase} epoch ${e.epoch}/${e.epochs} ETA ${duration(e.etaSeconds)}`,
      )
      barShown = true
    }),
    lab.subscribe('run.metric', function onMetric(e: EventPayloads['run.metric']): void {
      if (!ours(e.runId, () => onMetric(e)) || quiet) return
      // One event may carry several epochs or steps (the worker batches points): a line for each.
      const steps = [...new Set(e.points.map((p) => p.step))].sort((a, b) => a - b)
      for (const s of steps) printStep(e.runId, e.points.filter((p) => p.step === s))
    }),
    lab.subscribe('run.log', function onLog(e: EventPayloads['run.log']): void {
      if (ours(e.runId, () => onLog(e)) && (e.level !== 'info' || !quiet)) say(`${name(e.runId)} ${e.level}: ${e.message}`)
    }),
  ]

  let interrupted = false
  const onSignal = (): void => {
    interrupted = true
    say('stopping: running runs will be marked interrupted')
    void lab.stop()
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  return {
    follow(runs) {
      for (const r of runs) labels.set(r.id, r.label)
      const replay = pending ?? []
      pending = null
      for (const event of replay) event()
    },
    say,
    get interrupted() {
      return interrupted
    },
    close() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      for (const u of unsubscribe) u()
      clearBar()
    },
  }
}

/** Prints the table of `rows` and returns the exit code: 0 when every run finished, else 1. */
export function printOutcome(ctx: CommandContext, rows: RunSummary[]): number {
  ctx.out('')
  ctx.out(summaryTable(rows))
  const bad = rows.filter((r) => r.status !== 'finished')
  if (!bad.length) return 0
  ctx.err(`error: ${bad.length} of ${rows.length} runs did not finish (${bad.map((r) => `#${r.id} ${r.status}`).join(', ')})`)
  return 1
}

/** `3 queued runs wait`, said when `complab run` leaves other experiments' runs queued. */
export function othersQueuedNote(count: number): string {
  const runs = count === 1 ? '1 queued run of another experiment waits' : `${count} queued runs of other experiments wait`
  return `note: ${runs}: \`complab resume\` (or \`complab serve\`) runs ${count === 1 ? 'it' : 'them'}`
}

function summaryTable(rows: RunSummary[]): string {
  const table = {
    columns: [
      { key: 'id', label: 'run' },
      { key: 'label', label: 'label' },
      { key: 'status', label: 'status' },
      { key: 'acc', label: resultHeader('test acc', 'test.accuracy') },
      { key: 'errors', label: 'test errors' },
      { key: 'mAP', label: resultHeader('test mAP', 'test.mAP') },
      { key: 'params', label: 'params' },
      { key: 'seconds', label: 'train s' },
    ],
    rows: rows.map((r) => ({
      id: r.id,
      label: r.label,
      status: r.status,
      acc: resultCell('test.accuracy', r.results['test.accuracy']),
      errors: resultCell('test.errors', r.results['test.errors']),
      mAP: resultCell('test.mAP', r.results['test.mAP']),
      params: resultCell('params', r.results['params']),
      seconds: r.results['train.seconds'] !== undefined ? Math.round(r.results['train.seconds']) : null,
    })),
  }
  return textTable(dropEmptyColumns(table, ['acc', 'errors', 'mAP']))
}
