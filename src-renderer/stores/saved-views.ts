/**
 * Named views of an experiment (issue 18 item 11): a runs table or a pivot saved under a name,
 * as the address's query, so choosing it reopens the same view. Loaded per experiment on demand.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { SavedView, SavedViewPage } from '../../src-shared/contract'
import { lab } from '../api/client'

export const useSavedViewsStore = defineStore('saved-views', () => {
  /** The views of `experimentId` (empty until loaded). */
  const views = shallowRef<SavedView[]>([])
  const experimentId = ref<number | null>(null)
  const error = ref<string | null>(null)

  async function load(id: number | null): Promise<void> {
    experimentId.value = id
    if (id === null) {
      views.value = []
      return
    }
    try {
      const list = (await lab.call('views.list', { experimentId: id })).views
      if (experimentId.value === id) views.value = list
      error.value = null
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function save(id: number, name: string, page: SavedViewPage, query: Record<string, string>): Promise<SavedView> {
    const saved = await lab.call('views.save', { experimentId: id, name, page, query })
    await load(id)
    return saved
  }

  async function remove(view: SavedView): Promise<void> {
    await lab.call('views.delete', { id: view.id })
    await load(view.experimentId)
  }

  return { views, experimentId, error, load, save, remove }
})
