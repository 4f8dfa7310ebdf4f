/** Handlers of saved views: named views of an experiment's runs table or pivot (issue 18 item 11). */
import { savedViewsRepo } from '../../store/saved-views'
import { notFound, type DomainContext, type DomainHandlers } from './context'

type ViewMethod = 'views.list' | 'views.save' | 'views.delete'

export function viewHandlers(ctx: DomainContext): DomainHandlers<ViewMethod> {
  const views = savedViewsRepo(ctx.store.db)
  const experiment = (id: number): void => {
    if (!ctx.store.experiments.get(id)) throw notFound(`experiment #${id}`)
  }
  return {
    'views.list': ({ experimentId }) => {
      experiment(experimentId)
      return { views: views.list(experimentId) }
    },
    'views.save': (input) => {
      experiment(input.experimentId)
      return views.save(input)
    },
    'views.delete': ({ id }) => {
      if (!views.delete(id)) throw notFound(`saved view #${id}`)
      return { id }
    },
  }
}
