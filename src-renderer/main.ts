/** Renderer entry: one Vue app with Pinia and the router; the transport is chosen in api/client.ts. */
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createLabRouter } from './router'
import { ROUTES } from './routes'
import './styles.css'

createApp(App).use(createPinia()).use(createLabRouter(ROUTES)).mount('#app')
