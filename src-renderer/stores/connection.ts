/** The state of the link to the lab (the event stream), for the banner and for resnapshots. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { lab, type ConnectionState } from '../api/client'

export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>(lab.state)
  const reconnectHandlers = new Set<() => void>()
  lab.onStateChange((next) => {
    state.value = next
    // Events pushed while the stream was not open were missed (including those between a
    // snapshot taken at start-up and the socket's first open): whoever shows live data reloads.
    if (next === 'open') for (const handler of reconnectHandlers) handler()
  })
  return {
    state,
    transport: lab.transport,
    online: computed(() => state.value === 'open'),
    onReconnect(handler: () => void): () => void {
      reconnectHandlers.add(handler)
      return () => {
        reconnectHandlers.delete(handler)
      }
    },
  }
})
