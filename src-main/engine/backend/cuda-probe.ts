/**
 * Looking for the native libraries that `@tensorflow/tfjs-node-gpu` 4.22 loads: the CUDA 11.2
 * runtime (`libcudart.so.11.0`) and cuDNN 8.1 (`libcudnn.so.8`), through the dynamic linker's cache
 * (`ldconfig -p`) and LD_LIBRARY_PATH, and the NVIDIA driver through `nvidia-smi`. Never throws.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export interface LibraryProbe {
  /** The exact soname looked for, e.g. `libcudart.so.11.0`. */
  soname: string
  /** Paths where that exact soname was found. */
  found: string[]
  /** Other versions of the same library that were found (e.g. `libcudart.so.12`). */
  otherVersions: string[]
}

export interface GpuProbe {
  /** Whether `nvidia-smi` could be run. */
  smi: boolean
  /** One line per GPU: `name, driver version`; or why nvidia-smi failed. */
  detail: string
}

function runQuiet(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
  } catch {
    return null
  }
}

let ldCache: string | null | undefined

/** The output of `ldconfig -p` (cached), or null where there is no ldconfig. */
function ldconfigListing(): string | null {
  if (ldCache !== undefined) return ldCache
  ldCache = null
  for (const cmd of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const out = runQuiet(cmd, ['-p'])
    if (out !== null) {
      ldCache = out
      break
    }
  }
  return ldCache
}

/** Finds `soname` (and other versions of its library) in ldconfig's cache and LD_LIBRARY_PATH. */
export function findSharedLibrary(
  soname: string,
  env: NodeJS.ProcessEnv = process.env,
): LibraryProbe {
  const stem = soname.slice(0, soname.indexOf('.so') + 3)
  const found = new Set<string>()
  const others = new Set<string>()
  const consider = (name: string, path: string): void => {
    if (name === soname) found.add(path)
    else if (name.startsWith(stem + '.')) others.add(name)
  }
  for (const line of (ldconfigListing() ?? '').split('\n')) {
    const m = /^\s*(\S+)\s.*=>\s*(\S+)\s*$/.exec(line)
    if (m) consider(m[1], m[2])
  }
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    if (!existsSync(dir)) continue
    try {
      for (const name of readdirSync(dir))
        if (name.startsWith(stem)) consider(name, join(dir, name))
    } catch {
      // An unreadable folder on the path is not this check's concern.
    }
  }
  return { soname, found: [...found], otherVersions: [...others].sort() }
}

/** Runs `nvidia-smi` to see whether an NVIDIA driver and GPU are present. */
export function probeNvidiaSmi(): GpuProbe {
  const out = runQuiet('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'])
  if (out === null)
    return { smi: false, detail: 'nvidia-smi not found or failed (no NVIDIA driver or GPU)' }
  const gpus = out.trim().split('\n').filter(Boolean)
  return { smi: true, detail: gpus.length ? gpus.join('; ') : 'nvidia-smi ran but listed no GPU' }
}
