/**
 * `@vue/devtools-api` in the production renderer. vue-router imports it at the top level and its
 * package brings @vue/devtools-kit (~55 KB minified, with code run at start-up) into the main
 * bundle, although the router only calls it when devtools are enabled, which production builds
 * never are (`__VUE_PROD_DEVTOOLS__` false). The build resolves the import here instead
 * (electron.vite.config.ts), so the first paint does not parse and run it.
 */
export function setupDevtoolsPlugin(): void {}
export const setupDevToolsPlugin = setupDevtoolsPlugin
