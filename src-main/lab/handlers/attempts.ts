/** A run's attempts (issue 17 item 4): the current one, its queue and worker, and earlier ones; the queue's workers (item 7). */
import { notFound, type DomainContext, type DomainHandlers } from './context'

export function attemptHandlers(ctx: DomainContext): DomainHandlers<'runs.attempts' | 'runs.attemptMetrics' | 'queue.workers'> {
  const { store } = ctx
  return {
    'runs.attempts': ({ id }) => {
      const placement = store.attempts.placement(id)
      if (!placement) throw notFound(`run #${id}`)
      return { ...placement, attempts: store.attempts.attempts(id) }
    },
    'runs.attemptMetrics': ({ id, attempt }) => {
      if (!store.attempts.placement(id)) throw notFound(`run #${id}`)
      return store.metrics.series(id, undefined, attempt)
    },
    'queue.workers': () => ctx.queueWorkers?.() ?? { queue: null, workers: [] },
  }
}
