/**
 * Statistics over seeds of the runs being compared (`compare.matrix`, kind `seeds`): each
 * configuration's mean ± std, and its paired difference to the student alone or the parent with
 * the 95 % interval (issue 18 item 8). Only the latest load applies what it gets.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ResultTable } from '../../src-shared/types'
import { lab } from '../api/client'

export const useSeedStatsStore = defineStore('seed-stats', () => {
  const table = shallowRef<ResultTable | null>(null)
  /** Why the runs make no such table (none finished with the metric). */
  const reason = ref<string | null>(null)
  let generation = 0

  async function load(runIds: readonly number[]): Promise<void> {
    const gen = ++generation
    try {
      const out = await lab.call('compare.matrix', { runIds: [...runIds], kind: 'seeds' })
      if (gen !== generation) return
      table.value = out.table
      reason.value = out.reason
    } catch (e) {
      if (gen !== generation) return
      table.value = null
      reason.value = (e as Error).message
    }
  }

  return { table, reason, load }
})
