/**
 * `npm run bench:gpu` (issue 15 item 6): training throughput and peak device memory of the MLP,
 * LeNet-5 and a ResNet-20-sized conv net (32×32×3, batch 128) on webgpu against wasm on the same
 * machine, and against PyTorch with CUDA where `python3 -c "import torch; torch.cuda.is_available()"`
 * is true. Each configuration runs in its own process for at most --seconds after two warm-up steps
 * (the first compiles the shaders; its time is reported), so the whole bench is bounded: about
 * 3 models × 3 configurations × (seconds + start-up). Prints a table and writes
 * bench-results/bench-gpu.json (or --out). The issue's goal: ResNet-20 ≥ 10× faster on webgpu than
 * on wasm.
 *
 * On a GPU machine without Node: `npm run bench:gpu:pack -- DIR` makes DIR a self-contained
 * folder (test/bench/gpu/pack.ts) to copy there and start with `DIR/run.sh` (docs/performance.md).
 *
 * Usage: npm run bench:gpu -- [--seconds S] [--steps N] [--models mlp,lenet5,resnet20]
 *        [--backends webgpu,wasm,pytorch] [--out FILE]
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GPU_BENCH_MODELS, type GpuBenchModel } from './models'
import type { StepResult } from './train-step'

const here = dirname(fileURLToPath(import.meta.url))
/** In the packed folder everything sits beside this file; in the repository the bench's sources do. */
const packed = existsSync(join(here, 'train-step.mjs'))

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const seconds = Number(option('seconds') ?? 20)
const maxSteps = Number(option('steps') ?? 1000)
const models = (option('models') ?? GPU_BENCH_MODELS.join(',')).split(',') as GpuBenchModel[]
const backends = (option('backends') ?? 'webgpu,wasm,pytorch').split(',')
const out = option('out') ?? join(packed ? here : join(here, '..', '..', '..'), 'bench-results', 'bench-gpu.json')
for (const m of models) if (!(GPU_BENCH_MODELS as readonly string[]).includes(m)) throw new Error(`unknown model ${m}`)

/** Runs a process to its end within `timeoutMs`; its last stdout line, or why it failed. */
function lastLine(cmd: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; line: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', (e) => resolve({ ok: false, line: e.message, code: null }))
    child.on('close', (code) => {
      const line = (code === 0 ? stdout : stderr || stdout).trim().split('\n').pop() ?? ''
      resolve({ ok: code === 0, line: line || `exit ${code}`, code })
    })
  })
}

/** Compile time, start-up and the timed steps: a generous bound per configuration. */
const limitMs = (seconds + 600) * 1000

async function lab(backend: string, model: GpuBenchModel): Promise<StepResult | string> {
  const script = packed ? [join(here, 'train-step.mjs')] : ['--import', 'tsx', join(here, 'train-step.ts')]
  const r = await lastLine(process.execPath, [...script, backend, model, String(seconds), String(maxSteps)], limitMs)
  return r.ok ? (JSON.parse(r.line) as StepResult) : r.line
}

interface TorchRun {
  torch: string
  device: string | null
  results: { model: string; steps: number; samplesPerSec: number; peakBytes: number }[]
}

/** The Python to ask for PyTorch: $PYTHON, else python3 on the PATH. */
const python = process.env.PYTHON || 'python3'

function cudaTorch(): string | null {
  try {
    const ok = execFileSync(python, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    return ok.trim() === 'True' ? null : 'torch.cuda.is_available() is False'
  } catch {
    return `${python} has no torch (set PYTHON to one that has)`
  }
}

async function pytorch(): Promise<TorchRun | string> {
  const why = cudaTorch()
  if (why) return why
  const r = await lastLine(python, [join(here, 'torch_bench_gpu.py'), String(seconds), String(maxSteps), models.join(',')], limitMs * models.length)
  return r.ok ? (JSON.parse(r.line) as TorchRun) : r.line
}

function nvidiaGpu(): string | null {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`
const started = Date.now()
const rows: { model: string; config: string; device: string; samplesPerSec: number | null; peakBytes: number | null; firstStepMs: number | null; note: string }[] = []
const skipped: string[] = []

for (const model of models) {
  for (const backend of backends.filter((b) => b !== 'pytorch')) {
    const r = await lab(backend, model)
    if (typeof r === 'string') {
      skipped.push(`${backend} ${model}: ${r}`)
      continue
    }
    const compiled = r.pipelines ? `${r.pipelines.compiled} pipelines compiled in ${(r.pipelines.ms / 1000).toFixed(1)} s` : ''
    rows.push({ model, config: backend, device: r.device, samplesPerSec: r.samplesPerSec, peakBytes: r.peakBytes, firstStepMs: r.firstStepMs, note: `${r.steps} steps; ${compiled}` })
    process.stderr.write(`${model} on ${r.device}: ${r.samplesPerSec.toFixed(0)} samples/s\n`)
  }
}
let torch: TorchRun | null = null
if (backends.includes('pytorch')) {
  const t = await pytorch()
  if (typeof t === 'string') skipped.push(`pytorch cuda: ${t}`)
  else {
    torch = t
    for (const r of t.results) rows.push({ model: r.model, config: 'pytorch cuda', device: `${t.device} (PyTorch ${t.torch})`, samplesPerSec: r.samplesPerSec, peakBytes: r.peakBytes, firstStepMs: null, note: `${r.steps} steps` })
  }
}

const rate = (model: string, config: string): number | null => rows.find((r) => r.model === model && r.config === config)?.samplesPerSec ?? null
console.log(`training at batch 128 (Adam, random inputs, each step read back), at most ${seconds} s per configuration`)
console.log(['model'.padEnd(9), 'config'.padEnd(13), 'samples/s'.padStart(10), '× wasm'.padStart(8), 'webgpu ÷ pytorch'.padStart(17), 'peak memory'.padStart(12), 'first step'.padStart(11), '  device'].join(' '))
for (const r of rows) {
  const wasm = rate(r.model, 'wasm')
  const cuda = rate(r.model, 'pytorch cuda')
  console.log(
    [
      r.model.padEnd(9),
      r.config.padEnd(13),
      (r.samplesPerSec?.toFixed(0) ?? '-').padStart(10),
      (wasm && r.samplesPerSec ? (r.samplesPerSec / wasm).toFixed(2) : '-').padStart(8),
      (r.config === 'webgpu' && cuda && r.samplesPerSec ? (r.samplesPerSec / cuda).toFixed(2) : '-').padStart(17),
      (r.peakBytes === null ? '-' : mib(r.peakBytes)).padStart(12),
      (r.firstStepMs === null ? '-' : `${(r.firstStepMs / 1000).toFixed(1)} s`).padStart(11),
      `  ${r.device}`,
    ].join(' '),
  )
}
const webgpu = rate('resnet20', 'webgpu')
const wasm = rate('resnet20', 'wasm')
if (webgpu && wasm) console.log(`goal: ResNet-20 on webgpu ≥ 10× wasm: ${(webgpu / wasm).toFixed(1)}× (${webgpu / wasm >= 10 ? 'met' : 'not met'})`)
for (const s of skipped) console.log(`skipped: ${s}`)
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, memoryGiB: totalmem() / 2 ** 30, node: process.version, nvidia: nvidiaGpu() }
console.log(`machine: ${machine.cpu} × ${machine.cpus}, ${machine.memoryGiB.toFixed(0)} GiB${machine.nvidia ? `; GPU ${machine.nvidia}` : ''}; ${((Date.now() - started) / 1000).toFixed(0)} s`)
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), machine, seconds, maxSteps, rows, pytorch: torch && { torch: torch.torch, device: torch.device }, skipped }, null, 2))
console.log(`wrote ${out}`)
