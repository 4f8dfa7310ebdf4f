/** Renderer entry: one Vue app with Pinia; the transport is chosen in api/client.ts. */
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import './styles.css'

createApp(App).use(createPinia()).mount('#app')
