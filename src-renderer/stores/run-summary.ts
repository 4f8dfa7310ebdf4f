/**
 * The compression summary of the run on the run page (`runs.summary`): loaded when the page opens
 * a run and again when the run ends (its results arrive with its final status).
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { CompressionSummary } from '../../src-shared/contract'
import { lab } from '../api/client'

export const useRunSummaryStore = defineStore('run-summary', () => {
  const summary = shallowRef<CompressionSummary | null>(null)
  const error = ref<string | null>(null)
  let generation = 0

  /** Loads run `id`'s summary; only the latest call applies what it gets. */
  async function load(id: number): Promise<void> {
    const gen = ++generation
    if (summary.value?.runId !== id) summary.value = null
    try {
      const s = await lab.call('runs.summary', { id })
      if (gen !== generation) return
      summary.value = s
      error.value = null
    } catch (e) {
      if (gen === generation) error.value = (e as Error).message
    }
  }

  return { summary, error, load }
})
