#!/usr/bin/env node
// `npm test`: every test tier this machine can run (unit, integration, e2e, webgpu), one vitest run,
// then one plain summary line. Tiers that cannot run here say why (the tests print it too).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { probeWebGpuAdapter, softwareVulkanEnv } from './software-vulkan.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const tiers = args.filter((a) => !a.startsWith('-'))
// The webgpu tier runs where Dawn finds an adapter: a GPU's, else SwiftShader where Chromium is
// installed (scripts/software-vulkan.mjs sets what it needs, for every tier of this run).
const vulkan = softwareVulkanEnv(process.env)
Object.assign(process.env, vulkan.vars)
const adapter = probeWebGpuAdapter(process.env)
const defaults = ['test/unit', 'test/integration', 'test/e2e', ...(adapter.ok ? ['test/webgpu'] : [])]
const selected = tiers.length ? tiers.map((t) => `test/${t}`) : defaults
if (selected.includes('test/webgpu') || !tiers.length) {
  console.log(
    adapter.ok
      ? `> webgpu tier on ${adapter.detail}${vulkan.dir ? ` [${vulkan.note}]` : ''}`
      : `note: the webgpu tier is skipped: ${adapter.detail}`,
  )
}

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts })
  return r.status ?? 1
}

// The e2e tier drives the built renderer: build it first (a clean checkout has none).
if (selected.some((t) => t.includes('e2e')) && !args.includes('--no-build')) {
  console.log('> building the app (electron-vite build) for the e2e tier')
  if (run('npx', ['electron-vite', 'build']) !== 0) {
    console.error('build failed: the e2e tier cannot run')
    console.log('tests: 0 passed, 1 failed')
    process.exit(1)
  }
}

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
if (!existsSync(chromium)) {
  console.log(`note: no Chromium at ${chromium}: the browser e2e tests will skip (apt-get install -y chromium)`)
}

mkdirSync(join(root, 'test-results'), { recursive: true })
const report = join(root, 'test-results', 'vitest.json')
const code = run('npx', [
  'vitest',
  'run',
  ...selected,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
])

if (vulkan.dir) rmSync(vulkan.dir, { recursive: true, force: true })

let passed = 0
let failed = 0
let skipped = 0
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed = r.numPassedTests ?? 0
  failed = r.numFailedTests ?? 0
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  // A suite that failed to load counts as a failure even if it had no tests.
  failed += (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0)
