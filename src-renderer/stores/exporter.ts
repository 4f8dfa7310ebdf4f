/**
 * Exports from any view: a table as CSV / Markdown / LaTeX / JSON (rendered by the lab, so the
 * UI and the CLI write the same files), saved or copied; a chart as PNG.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ExportFormat, MethodInput, MethodOutputs } from '../../src-shared/contract'
import type { ResultTable } from '../../src-shared/types'
import { lab } from '../api/client'
import { copyText, dataUrlBytes, saveFile } from '../platform/files'
import { useNoticesStore } from './notices'

export const useExporterStore = defineStore('exporter', () => {
  const busy = ref(false)
  const notices = useNoticesStore()

  /** Renders a file with `render` (a lab method), then saves or copies it; failures become a notice. */
  async function deliver(render: () => Promise<MethodOutputs['export.render']>, what: string, mode: 'save' | 'copy'): Promise<void> {
    busy.value = true
    try {
      const out = await render()
      if (mode === 'copy') {
        await copyText(out.content)
        notices.info(`Copied the ${what} as ${out.format.toUpperCase()}`)
      } else {
        const where = await saveFile({ name: out.filename, mime: out.mime, data: out.content })
        if (where) notices.info(`Saved ${where}`)
      }
    } catch (e) {
      notices.error(`Export failed: ${(e as Error).message}`)
    } finally {
      busy.value = false
    }
  }

  async function exportTable(table: ResultTable, format: ExportFormat, name: string, mode: 'save' | 'copy'): Promise<void> {
    await deliver(() => lab.call('export.render', { table, format, name }), `table (${table.rows.length} rows)`, mode)
  }

  /** A matrix as the lab renders it for the CLI too (`export.matrix`): numbers in CSV and JSON, readable cells in Markdown and LaTeX. */
  async function exportMatrix(input: Omit<MethodInput<'export.matrix'>, 'format'>, format: ExportFormat, mode: 'save' | 'copy'): Promise<void> {
    await deliver(() => lab.call('export.matrix', { ...input, format }), `${input.kind} matrix`, mode)
  }

  async function exportPng(dataUrl: string, name: string): Promise<void> {
    try {
      const file = `compression-lab-${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`
      const where = await saveFile({ name: file, mime: 'image/png', data: dataUrlBytes(dataUrl) })
      if (where) notices.info(`Saved ${where}`)
    } catch (e) {
      notices.error(`Could not save the chart: ${(e as Error).message}`)
    }
  }

  return { busy, exportTable, exportMatrix, exportPng }
})
