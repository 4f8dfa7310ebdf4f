/** What the System page shows: `system.info` (with the backend doctor), datasets, models. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { DatasetInfo, ModelArchInfo, SystemInfo } from '../../src-shared/types'
import { lab } from '../api/client'

export const useSystemStore = defineStore('system', () => {
  const info = shallowRef<SystemInfo | null>(null)
  const datasets = shallowRef<DatasetInfo[]>([])
  const models = shallowRef<ModelArchInfo[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  /** Loads everything again (the doctor re-checks the backends each time). */
  async function load(): Promise<void> {
    loading.value = true
    try {
      const [i, d, m] = await Promise.all([
        lab.call('system.info', {}),
        lab.call('datasets.list', {}),
        lab.call('models.list', {}),
      ])
      info.value = i
      datasets.value = d
      models.value = m
      error.value = null
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      loading.value = false
    }
  }

  return { info, datasets, models, loading, error, load }
})
