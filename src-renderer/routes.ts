/**
 * The window's route records. The runs table is the first screen and comes in the main bundle;
 * every other view (and chart.js with the views that draw) is its own chunk, loaded when first
 * shown, so the first paint of the runs waits for less script.
 */
import type { RouteLocationNormalized, RouteRecordRaw } from 'vue-router'
import { idList, positiveId, queryText } from './router'
import RunsView from './views/RunsView.vue'

/** `experiment=all` in the Sweeps address: every run (no experiment at all: the latest one). */
function sweepsExperiment(r: RouteLocationNormalized): number | null | undefined {
  return queryText(r.query, 'experiment') === 'all' ? null : positiveId(queryText(r.query, 'experiment'))
}

export const ROUTES: RouteRecordRaw[] = [
  { path: '/', redirect: '/runs' },
  { path: '/runs', name: 'runs', component: RunsView, props: (r) => ({ experimentId: positiveId(queryText(r.query, 'experiment')) }) },
  { path: '/runs/:id(\\d+)', name: 'run', component: () => import('./views/RunView.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/launch', name: 'launch', component: () => import('./views/LaunchView.vue') },
  { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue'), props: (r) => ({ ids: idList(queryText(r.query, 'ids')) }) },
  {
    path: '/sweeps',
    name: 'sweeps',
    component: () => import('./views/SweepsView.vue'),
    props: (r) => ({ ids: idList(queryText(r.query, 'ids')), experimentId: sweepsExperiment(r) }),
  },
  { path: '/experiments', name: 'experiments', component: () => import('./views/ExperimentsView.vue') },
  { path: '/system', name: 'system', component: () => import('./views/SystemView.vue') },
  { path: '/:path(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
]
