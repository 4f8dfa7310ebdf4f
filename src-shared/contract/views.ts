/** Contract methods of saved views: named views of an experiment's runs table or pivot (issue 18 item 11). */
import { z } from 'zod'
import { id } from './common'

/** The pages a view can be saved from (their state is all in the address's query). */
export const SAVED_VIEW_PAGES = ['runs', 'sweeps'] as const
export type SavedViewPage = (typeof SAVED_VIEW_PAGES)[number]

export interface SavedView {
  id: number
  experimentId: number
  name: string
  page: SavedViewPage
  /** The address's query as it was saved (`q`, `cols`, `preset`, `rows`, …). */
  query: Record<string, string>
  createdAt: string
  updatedAt: string
}

const viewQuery = z.record(z.string().regex(/^[\w.-]{1,40}$/, 'a query key is a short word'), z.string().max(2000)).refine((q) => Object.keys(q).length <= 40, 'at most 40 query keys')

export const viewInputs = {
  'views.list': z.object({ experimentId: id }).strict(),
  /** Saves a view under its name; a view of that name in the experiment is replaced. */
  'views.save': z
    .object({ experimentId: id, name: z.string().trim().min(1).max(80), page: z.enum(SAVED_VIEW_PAGES), query: viewQuery })
    .strict(),
  'views.delete': z.object({ id }).strict(),
} as const

export interface ViewOutputs {
  'views.list': { views: SavedView[] }
  'views.save': SavedView
  'views.delete': { id: number }
}
