/// <reference types="vite/client" />
import type { LabBridge } from './api/bridge'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    /** Present only inside the Electron window (the preload's bridge). */
    lab?: LabBridge
  }
}
