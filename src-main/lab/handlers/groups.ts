/** The dependency groups of a pruning run (issue 16 item 8): members, channels before → after, score. */
import { notFound, type DomainContext, type DomainHandlers } from './context'

export function groupHandlers(ctx: DomainContext): DomainHandlers<'runs.groups'> {
  const { store } = ctx
  return {
    'runs.groups': ({ id }) => {
      if (!store.runs.get(id)) throw notFound(`run #${id}`)
      return store.groups.groups(id)
    },
  }
}
