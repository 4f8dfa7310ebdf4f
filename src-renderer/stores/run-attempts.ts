/**
 * The attempts of the run on the run page (`runs.attempts`, issue 17 item 4): which worker holds
 * it, its current attempt, and an earlier attempt's curves when asked for.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { MethodOutputs } from '../../src-shared/contract'
import { lab } from '../api/client'

export const useRunAttemptsStore = defineStore('run-attempts', () => {
  const placement = shallowRef<MethodOutputs['runs.attempts'] | null>(null)
  const shown = ref<number | null>(null)
  /** The shown earlier attempt's series, by key (as the charts take them). */
  const earlier = shallowRef<Map<string, { step: number; value: number }[]>>(new Map())
  const error = ref<string | null>(null)
  let generation = 0

  /** Loads the attempts of run `id`; a failure is shown, not thrown; a later call wins. */
  async function load(id: number): Promise<void> {
    const gen = ++generation
    try {
      const got = await lab.call('runs.attempts', { id })
      if (gen !== generation) return
      placement.value = got
      error.value = null
    } catch (e) {
      if (gen === generation) error.value = (e as Error).message
    }
  }

  /** Shows the curves of an earlier attempt (or hides them with null). */
  async function show(id: number, attempt: number | null): Promise<void> {
    shown.value = attempt
    earlier.value = new Map()
    if (attempt === null) return
    try {
      const series = await lab.call('runs.attemptMetrics', { id, attempt })
      earlier.value = new Map(series.map((s) => [s.key, s.points]))
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  return { placement, shown, earlier, error, load, show }
})
