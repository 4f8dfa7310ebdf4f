/** Short messages about what just happened ("Saved runs.csv"), announced to screen readers. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export interface Notice {
  id: number
  kind: 'info' | 'error'
  text: string
}

export const useNoticesStore = defineStore('notices', () => {
  const items = ref<Notice[]>([])
  let next = 1

  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id)
  }

  function push(kind: Notice['kind'], text: string): void {
    const id = next++
    items.value = [...items.value.slice(-3), { id, kind, text }]
    setTimeout(() => dismiss(id), kind === 'error' ? 12_000 : 5_000)
  }

  return {
    items,
    dismiss,
    info: (text: string) => push('info', text),
    error: (text: string) => push('error', text),
  }
})
