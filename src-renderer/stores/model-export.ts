/** A run's model written for deployment (`models.export`): ONNX or TF.js layers, into a folder. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { MethodOutputs, ModelExportFormat } from '../../src-shared/contract'
import { lab } from '../api/client'
import { useNoticesStore } from './notices'

export const useModelExportStore = defineStore('model-export', () => {
  const busy = ref(false)
  const last = ref<(MethodOutputs['models.export'] & { runId: number }) | null>(null)
  const notices = useNoticesStore()

  async function exportModel(runId: number, format: ModelExportFormat, out: string): Promise<void> {
    busy.value = true
    try {
      const done = await lab.call('models.export', { runId, format, out })
      last.value = { ...done, runId }
      notices.info(`Exported run ${runId} as ${format === 'onnx' ? 'ONNX' : 'TF.js'}: ${done.files.map((f) => f.path).join(', ')}`)
    } catch (e) {
      notices.error(`Export failed: ${(e as Error).message}`)
    } finally {
      busy.value = false
    }
  }

  return { busy, last, exportModel }
})
