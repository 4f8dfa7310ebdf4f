/**
 * The dependency groups of the run on the run page (`runs.groups`, issue 16 item 8): fetched when
 * the page opens a run and again when its status changes (a pruning run reports them as it ends).
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { PruneGroupReport } from '../../src-shared/contract'
import { lab } from '../api/client'

export const useRunGroupsStore = defineStore('run-groups', () => {
  const groups = shallowRef<PruneGroupReport[]>([])
  const error = ref<string | null>(null)
  let generation = 0

  /** Loads the groups of run `id`; a failure is shown, not thrown; a later call wins. */
  async function load(id: number): Promise<void> {
    const gen = ++generation
    try {
      const got = await lab.call('runs.groups', { id })
      if (gen !== generation) return
      groups.value = got
      error.value = null
    } catch (e) {
      if (gen !== generation) return
      groups.value = []
      error.value = (e as Error).message
    }
  }

  return { groups, error, load }
})
