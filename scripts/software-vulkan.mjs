// A software WebGPU adapter for the tests on a machine with no Vulkan driver of its own: Chromium's
// SwiftShader, which Debian's `chromium` package installs with its own copy of the Vulkan loader.
// Dawn needs the loader as libvulkan.so.1 (Debian's libvulkan1; else Chromium's copy, linked into a
// private folder put on LD_LIBRARY_PATH), the ICD named by VK_ICD_FILENAMES, and XDG_RUNTIME_DIR.
// Nothing is changed where the machine has a Vulkan driver (a real GPU stays visible) or where
// VK_ICD_FILENAMES is already set. Used by scripts/test.mjs and as vitest's globalSetup.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'
const CHROMIUM_LOADER = '/usr/lib/chromium/libvulkan.so.1'
const SYSTEM_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d']

function hasSystemIcd() {
  return SYSTEM_ICD_DIRS.some((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')))
}

function hasSystemLoader() {
  for (const cmd of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      const out = execFileSync(cmd, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      return out.includes('libvulkan.so.1 ')
    } catch {
      // try the next path
    }
  }
  return false
}

/**
 * The variables to add for SwiftShader (none where not needed or not possible), why, and the
 * private folder made for them (null if none), to remove when done.
 */
export function softwareVulkanEnv(env = process.env) {
  const none = (note) => ({ vars: {}, note, dir: null })
  if (process.platform !== 'linux') return none('not Linux')
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return none('VK_ICD_FILENAMES already set')
  if (!existsSync(SWIFTSHADER_ICD)) return none(`no ${SWIFTSHADER_ICD} (apt-get install chromium)`)
  if (hasSystemIcd()) return none('this machine has a Vulkan driver of its own')
  const dir = mkdtempSync(join(env.TMPDIR || tmpdir(), 'complab-vulkan-'))
  const vars = { VK_ICD_FILENAMES: SWIFTSHADER_ICD }
  if (!env.XDG_RUNTIME_DIR) vars.XDG_RUNTIME_DIR = dir
  if (!hasSystemLoader() && existsSync(CHROMIUM_LOADER)) {
    const lib = join(dir, 'lib')
    mkdirSync(lib)
    symlinkSync(CHROMIUM_LOADER, join(lib, 'libvulkan.so.1'))
    vars.LD_LIBRARY_PATH = env.LD_LIBRARY_PATH ? `${lib}:${env.LD_LIBRARY_PATH}` : lib
  }
  return { vars, note: 'SwiftShader (software Vulkan from Chromium)', dir }
}

/** Whether Dawn finds a WebGPU adapter with `env` (asked in a child process), and which. */
export function probeWebGpuAdapter(env = process.env) {
  const script =
    "import { create } from 'webgpu'\n" +
    'const a = await create([]).requestAdapter()\n' +
    'const i = a && a.info\n' +
    'console.log(JSON.stringify(i ? [i.vendor, i.architecture, i.description] : null))'
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  })
  const last = (r.stdout ?? '').trim().split('\n').pop()
  if (r.status !== 0 || !last) {
    const why = (r.stderr ?? '').trim().split('\n').find((l) => !l.startsWith('    at')) ?? ''
    return { ok: false, detail: why || `probe exited with ${r.status}` }
  }
  const info = JSON.parse(last)
  if (!info) return { ok: false, detail: 'no WebGPU adapter (complab doctor says why)' }
  return { ok: true, detail: `${info[0]} ${info[1]} (${info[2]})` }
}

/** vitest globalSetup: the variables reach the test processes, which are forked after this. */
export function setup() {
  const { vars, dir } = softwareVulkanEnv(process.env)
  Object.assign(process.env, vars)
  return () => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}
