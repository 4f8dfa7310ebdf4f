/**
 * `npm run bench`: what a user waits for, as ratios to a reference measured in the same run
 * (DESIGN §10): training throughput (MLP 784-256-10 and LeNet-5, mnist-10k, batch 64, Adam) and
 * inference latency per backend present, against PyTorch on the same CPU when
 * `/usr/bin/python3 -c "import torch"` works; peak RSS of a training worker; tensor count across
 * epochs; when present, the pruned-model latency benchmark, the direct conv and depthwise-gradient
 * kernels against what they replaced; ONNX Runtime's CPU latency of LeNet-5 float, pruned and
 * pruned + int8 beside TF.js wasm's, as ratios to the float parent in the same run (`ort`,
 * test/bench/ort-latency.ts); and the Runs view over 10,000 runs in
 * Chromium (`ui`: first paint, filter, heap; test/bench/ui-runs.ts). Writes bench-results/bench.json.
 *
 * The machine may be shared, so its load changes while the bench runs: every configuration is
 * measured once per round, the rounds interleave all of them (in a rotated order), each ratio is
 * taken within a round, and the medians over rounds are reported.
 *
 * Configurations: PyTorch with 1 thread (its default here) and 2 threads; wasm with 1 XNNPACK
 * thread (the lab's default), with 2 threads (the threaded build, see engine/backend/wasm-threads;
 * both 2-thread configurations time a quarter of the examples, as they crawl on a loaded machine),
 * and two 1-thread training processes at once (their summed throughput: how the lab uses both
 * cores, with the scheduler's concurrency 2); the cpu backend once (on fewer LeNet-5 examples);
 * native TensorFlow when installed; webgpu once where Dawn finds an adapter (SwiftShader where
 * Chromium is installed: on a software adapter a row of correctness, not speed, on 256 examples;
 * a GPU's figures come from `npm run bench:gpu`).
 *
 * With `queue`: the remote workers' rows (test/bench/queue.ts: overhead per run, speed-up on two
 * workers, events into SQLite per second, the 60-run sweep with faults); `npm run bench -- queue` runs only them.
 *
 * Usage: npm run bench -- [--rounds N] [--examples N] [names…: pytorch wasm cpu tensorflow webgpu ort ui queue]
 * (names select the rows: `npm run bench -- ort` runs only the ONNX Runtime latencies)
 */
import { execFileSync, spawn } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { probeWebGpuAdapter, softwareVulkanEnv } from '../../scripts/software-vulkan.mjs'
import type { ThroughputResult } from './train-throughput'
import type { ConvTiming } from './conv-forward'
import type { DepthwiseTiming } from './depthwise-grad'
import type { OrtLatencyRow } from './ort-latency'

interface Measurement {
  samplesPerSec: number
  /** Per second of the process's CPU time: steadier than wall time when others load the machine. */
  samplesPerCpuSec?: number
  latencyMs: number
  peakRssMb?: number
  tensorsPerEpoch?: number[]
}

interface Config {
  /** Row label, e.g. `wasm 1 thread`. */
  name: string
  group: 'pytorch' | 'wasm' | 'cpu' | 'tensorflow' | 'webgpu'
  threads: number
  /** Measured in round 0 only. */
  once?: boolean
}

const root = join(import.meta.dirname, '..', '..')
const python = '/usr/bin/python3'
const MODELS = ['mlp-784-256-10', 'lenet5'] as const
type ModelName = (typeof MODELS)[number]

function parseArgs(argv: string[]): {
  rounds: number
  examples: number | undefined
  only: string[]
} {
  let rounds = 3
  let examples: number | undefined
  const only: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') rounds = Number(argv[++i])
    else if (argv[i] === '--examples') examples = Number(argv[++i])
    else only.push(argv[i])
  }
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error('--rounds must be a whole number ≥ 1')
  return { rounds, examples, only }
}

const args = parseArgs(process.argv.slice(2))
const wanted = (group: string): boolean => args.only.length === 0 || args.only.includes(group)

/** Runs a command; resolves with its stdout, rejects with the first line of its stderr. */
function run(cmd: string, cmdArgs: string[], timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(out)
      else reject(new Error((err || out || `exit ${code}`).trim().split('\n')[0]))
    })
  })
}

const lastLine = (s: string): string => s.trim().split('\n').pop() ?? ''

async function trainWorker(
  backend: string,
  model: ModelName,
  threads: number,
  limit?: number,
): Promise<ThroughputResult> {
  const a = [
    '--import',
    'tsx',
    join(root, 'test/bench/train-throughput.ts'),
    backend,
    model,
    limit ? String(limit) : '',
    String(threads),
  ]
  return JSON.parse(lastLine(await run(process.execPath, a))) as ThroughputResult
}

function torchAvailable(): boolean {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

interface TorchOutput {
  torch: string
  defaultThreads: number
  results: {
    model: string
    threads: number
    samplesPerSec: number
    samplesPerCpuSec: number
    latencyMs: number
  }[]
}

async function torchRound(
  model: ModelName,
  threads: number[],
  examples: number,
): Promise<TorchOutput> {
  const out = await run(python, [
    join(root, 'test/bench/torch_bench.py'),
    String(examples),
    threads.join(','),
    model,
  ])
  return JSON.parse(lastLine(out)) as TorchOutput
}

function tensorflowInstalled(): boolean {
  return ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((p) =>
    existsSync(join(root, 'node_modules', p)),
  )
}

const configs: Config[] = []
const hasTorch = wanted('pytorch') && torchAvailable()
if (hasTorch)
  configs.push(
    { name: 'pytorch 1 thread', group: 'pytorch', threads: 1 },
    { name: 'pytorch 2 threads', group: 'pytorch', threads: 2 },
  )
if (wanted('wasm')) {
  configs.push(
    { name: 'wasm 1 thread', group: 'wasm', threads: 1 },
    { name: 'wasm 2 threads', group: 'wasm', threads: 2 },
    { name: 'wasm 2 processes', group: 'wasm', threads: 1 },
  )
}
if (wanted('tensorflow') && tensorflowInstalled())
  configs.push({ name: 'tensorflow', group: 'tensorflow', threads: 1, once: true })
if (wanted('cpu')) configs.push({ name: 'cpu', group: 'cpu', threads: 1, once: true })
// The webgpu row: the adapter Dawn finds (SwiftShader set up as for the tests where there is no GPU).
let webgpuAdapter: { detail: string; software: boolean } | null = null
if (wanted('webgpu')) {
  Object.assign(process.env, softwareVulkanEnv(process.env).vars)
  const probe = probeWebGpuAdapter(process.env)
  if (probe.ok) {
    webgpuAdapter = { detail: probe.detail, software: /swiftshader|llvmpipe|lavapipe|warp/i.test(probe.detail) }
    configs.push({ name: webgpuAdapter.software ? 'webgpu (software)' : 'webgpu', group: 'webgpu', threads: 1, once: true })
  } else console.log(`no webgpu row: ${probe.detail}`)
}

const results = new Map<string, Measurement[]>()
const key = (config: string, model: string): string => `${config}|${model}`
const record = (config: string, model: string, m: Measurement): void => {
  const k = key(config, model)
  results.set(k, [...(results.get(k) ?? []), m])
}
const errors: string[] = []
let torchInfo: { version: string; defaultThreads: number } | null = null
const started = Date.now()
const load = { start: loadavg()[0], end: 0 }
// The lab's mnist-10k training split (8,000 examples) unless --examples says otherwise.
const examples = args.examples ?? 8000

async function measure(config: Config, model: ModelName): Promise<void> {
  if (config.group === 'pytorch') {
    // One PyTorch process per round and model measures both thread counts (import costs ~2 s).
    if (config.threads !== 1) return
    const threads = configs.filter((c) => c.group === 'pytorch').map((c) => c.threads)
    const out = await torchRound(model, threads, examples)
    torchInfo = { version: out.torch, defaultThreads: out.defaultThreads }
    for (const r of out.results)
      record(`pytorch ${r.threads} thread${r.threads > 1 ? 's' : ''}`, model, r)
    return
  }
  if (config.name === 'wasm 2 processes') {
    const pair = await Promise.all([0, 1].map(() => trainWorker('wasm', model, 1, args.examples)))
    record(config.name, model, {
      samplesPerSec: pair[0].samplesPerSec + pair[1].samplesPerSec,
      samplesPerCpuSec: (pair[0].samplesPerCpuSec + pair[1].samplesPerCpuSec) / 2,
      latencyMs: Math.max(pair[0].latencyMs, pair[1].latencyMs),
      peakRssMb: Math.max(pair[0].peakRssMb, pair[1].peakRssMb),
    })
    return
  }
  // The pure-JS cpu backend is orders of magnitude slower on convolutions: time a few batches.
  // Threaded runs can crawl on a loaded machine: a quarter of the examples (as for PyTorch).
  // A software WebGPU adapter emulates the GPU on the CPU: a short run checks that it trains.
  const limit =
    config.group === 'webgpu' && webgpuAdapter?.software
      ? Math.min(256, args.examples ?? 256)
      : config.group === 'cpu' && model === 'lenet5'
      ? 320
      : config.threads > 1
        ? Math.floor(examples / 4)
        : args.examples
  record(config.name, model, await trainWorker(config.group, model, config.threads, limit))
}

for (let round = 0; round < args.rounds; round++) {
  const active = configs.filter((c) => !c.once || round === 0)
  // Rotate the order each round so that no configuration always runs first (or last).
  const order = active.map((_, i) => active[(i + round) % active.length])
  for (const model of MODELS) {
    for (const config of order) {
      try {
        await measure(config, model)
      } catch (e) {
        errors.push(`${config.name} ${model} (round ${round + 1}): ${(e as Error).message}`)
      }
    }
  }
  process.stderr.write(
    `round ${round + 1}/${args.rounds} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
  )
}
load.end = loadavg()[0]

const median = (values: number[]): number | null => {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Median over rounds of this configuration's value ÷ the reference's, both from the same round. */
function ratio(
  config: string,
  model: string,
  reference: string,
  field: 'samplesPerSec' | 'samplesPerCpuSec' | 'latencyMs',
): number | null {
  const a = results.get(key(config, model)) ?? []
  const b = results.get(key(reference, model)) ?? []
  const per = a.slice(0, b.length).flatMap((m, i) => {
    const x = m[field]
    const y = b[i][field]
    return x !== undefined && y !== undefined ? [x / y] : []
  })
  return median(per)
}

interface Row {
  config: string
  model: string
  rounds: number
  samplesPerSec: number | null
  vsPytorch1: number | null
  vsPytorch2: number | null
  samplesPerCpuSec: number | null
  cpuVsPytorch1: number | null
  latencyMs: number | null
  latencyVsPytorch1: number | null
  peakRssMb: number | null
  tensorsPerEpoch: number[] | null
  perRound: Measurement[]
}

const rows: Row[] = []
for (const model of MODELS) {
  for (const config of configs) {
    const ms = results.get(key(config.name, model))
    if (!ms?.length) continue
    rows.push({
      config: config.name,
      model,
      rounds: ms.length,
      samplesPerSec: median(ms.map((m) => m.samplesPerSec)),
      vsPytorch1:
        hasTorch && !config.once
          ? ratio(config.name, model, 'pytorch 1 thread', 'samplesPerSec')
          : null,
      vsPytorch2:
        hasTorch && !config.once
          ? ratio(config.name, model, 'pytorch 2 threads', 'samplesPerSec')
          : null,
      samplesPerCpuSec: median(ms.flatMap((m) => (m.samplesPerCpuSec ? [m.samplesPerCpuSec] : []))),
      cpuVsPytorch1:
        hasTorch && !config.once
          ? ratio(config.name, model, 'pytorch 1 thread', 'samplesPerCpuSec')
          : null,
      latencyMs: median(ms.map((m) => m.latencyMs)),
      latencyVsPytorch1:
        hasTorch && !config.once
          ? ratio(config.name, model, 'pytorch 1 thread', 'latencyMs')
          : null,
      peakRssMb: median(ms.flatMap((m) => (m.peakRssMb ? [m.peakRssMb] : []))),
      tensorsPerEpoch: ms.find((m) => m.tensorsPerEpoch)?.tensorsPerEpoch ?? null,
      perRound: ms,
    })
  }
}

let pruned: unknown = null
if (wanted('wasm') && existsSync(join(root, 'test/bench/pruned-latency.ts'))) {
  try {
    const out = await run(process.execPath, [
      '--import',
      'tsx',
      join(root, 'test/bench/pruned-latency.ts'),
      'wasm',
      '60',
      '64',
    ])
    pruned = JSON.parse(lastLine(out)) as unknown
  } catch (e) {
    errors.push(`pruned latency: ${(e as Error).message}`)
  }
}

// The lab's direct conv kernel against XNNPACK per shape (ratio direct / XNNPACK CPU time per call).
let convForward: { name: string; ratio: number; gradRatio: number | null }[] | null = null
if (wanted('wasm') && existsSync(join(root, 'test/bench/conv-forward.ts'))) {
  try {
    const out = await run(process.execPath, [
      '--import',
      'tsx',
      join(root, 'test/bench/conv-forward.ts'),
      '60',
    ])
    const parsed = JSON.parse(lastLine(out)) as { rows: ConvTiming[]; gradRows?: ConvTiming[] }
    convForward = parsed.rows.map((r, i) => {
      const g = parsed.gradRows?.[i]
      return {
        name: `${r.name} ${r.batch}x${r.size}x${r.size}x${r.cin}->${r.cout} k${r.k}`,
        ratio: r.directMs / r.xnnMs,
        gradRatio: g ? g.directMs / g.xnnMs : null,
      }
    })
  } catch (e) {
    errors.push(`conv forward: ${(e as Error).message}`)
  }
}

// The lab's direct depthwise-conv gradients (MobileNetV2 shapes) against the forward conv and the
// block-diagonal composite they replaced (ratios of CPU time per call).
let depthwise: { name: string; vsForward: number; vsComposite: number }[] | null = null
if (wanted('wasm') && existsSync(join(root, 'test/bench/depthwise-grad.ts'))) {
  try {
    const out = await run(process.execPath, ['--import', 'tsx', join(root, 'test/bench/depthwise-grad.ts'), '12'])
    const parsed = JSON.parse(lastLine(out)) as { rows: DepthwiseTiming[] }
    depthwise = parsed.rows.map((r) => ({ name: r.name, vsForward: r.directMs / r.forwardMs, vsComposite: r.directMs / r.compositeMs }))
  } catch (e) {
    errors.push(`depthwise gradients: ${(e as Error).message}`)
  }
}

// ONNX Runtime latency (issue 19): float parent, pruned, pruned + int8 (weights only, static
// activations) at batch 1 and 64, 1 thread and all cores, beside TF.js wasm's; ratios to the parent.
let ort: { rows: OrtLatencyRow[]; prunedWidths: string } | null = null
if (wanted('ort') && existsSync(join(root, 'test/bench/ort-latency.ts'))) {
  try {
    const out = await run(process.execPath, ['--import', 'tsx', join(root, 'test/bench/ort-latency.ts'), String(Math.max(20, args.rounds * 10))])
    ort = JSON.parse(lastLine(out)) as { rows: OrtLatencyRow[]; prunedWidths: string }
  } catch (e) {
    errors.push(`ONNX Runtime latency: ${(e as Error).message}`)
  }
}

// The Runs view over 10,000 generated runs in Chromium (first paint, filter, heap): its own
// script prints its lines; its JSON joins bench.json. Skipped (saying why) without Chromium.
let ui: unknown = null
if (wanted('ui') && existsSync(join(root, 'test/bench/ui-runs.ts'))) {
  try {
    const uiOut = join(root, 'bench-results', 'ui-runs.json')
    const out = await run(process.execPath, [
      '--import',
      'tsx',
      join(root, 'test/bench/ui-runs.ts'),
      '--out',
      uiOut,
    ])
    for (const line of out.split('\n').filter((l) => /^ui-runs:|^ {2}\w/.test(l))) console.log(line)
    if (existsSync(uiOut)) ui = JSON.parse(readFileSync(uiOut, 'utf8')) as unknown
  } catch (e) {
    errors.push(`ui runs view: ${(e as Error).message}`)
  }
}

// The queue's rows (issue 17): overhead per run, speed-up on two workers, ingest into SQLite, and
// the 60-run sweep with a worker, Redis and the lab killed (test/bench/queue.ts prints its lines).
let queue: unknown = null
if (wanted('queue')) {
  try {
    const queueOut = join(root, 'bench-results', 'queue.json')
    mkdirSync(join(root, 'bench-results'), { recursive: true })
    const out = await run(process.execPath, ['--import', 'tsx', join(root, 'test/bench/queue.ts'), '--out', queueOut], 1_800_000)
    for (const line of out.split('\n').filter((l) => l.startsWith('queue'))) console.log(line)
    if (existsSync(queueOut)) queue = JSON.parse(readFileSync(queueOut, 'utf8')) as unknown
  } catch (e) {
    errors.push(`queue: ${(e as Error).message}`)
  }
}

const fmt = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits))
// The training table only when its rows were measured (`npm run bench -- ort` measures none).
if (rows.length) {
console.log(
  `training throughput (mnist-10k, ${examples} examples, batch 64, Adam) and inference latency (batch 64)`,
)
console.log(
  `median of ${args.rounds} interleaved rounds; ratios taken within each round; /CPU-s: examples per CPU second`,
)
console.log(
  'config'.padEnd(20),
  'model'.padEnd(16),
  'samples/s'.padStart(10),
  'x PT-1t'.padStart(8),
  'x PT-2t'.padStart(8),
  '/CPU-s'.padStart(8),
  'x PT-1t'.padStart(8),
  'latency ms'.padStart(11),
  'x PT-1t'.padStart(8),
  'peak RSS MB'.padStart(12),
  'tensors/epoch'.padStart(14),
)
for (const r of rows) {
  console.log(
    r.config.padEnd(20),
    r.model.padEnd(16),
    fmt(r.samplesPerSec, 0).padStart(10),
    fmt(r.vsPytorch1, 2).padStart(8),
    fmt(r.vsPytorch2, 2).padStart(8),
    fmt(r.samplesPerCpuSec, 0).padStart(8),
    fmt(r.cpuVsPytorch1, 2).padStart(8),
    fmt(r.latencyMs, 2).padStart(11),
    fmt(r.latencyVsPytorch1, 2).padStart(8),
    fmt(r.peakRssMb, 0).padStart(12),
    (r.tensorsPerEpoch?.join(' → ') ?? '-').padStart(14),
  )
}
}
if (pruned) console.log('pruned latency:', JSON.stringify(pruned))
if (convForward) {
  console.log(
    "the lab's direct conv kernels / XNNPACK, CPU time per call (< 1: the lab's is faster): forward (used for 1 input channel) and filter gradient (used where prefersDirectFilterGrad)",
  )
  for (const c of convForward)
    console.log(
      `  ${c.name.padEnd(36)} ${c.ratio.toFixed(2)}  ${c.gradRatio === null ? '-' : c.gradRatio.toFixed(2)}`,
    )
}
if (depthwise) {
  console.log('depthwise-conv gradients (dW + dx), CPU time per call: × the forward conv, × the composite they replaced')
  for (const d of depthwise) console.log(`  ${d.name.padEnd(36)} ${d.vsForward.toFixed(1)}  ${d.vsComposite.toFixed(2)}`)
}
if (ort) {
  console.log(`LeNet-5 latency per batch (ms, median) and × the float parent on the same runtime (pruned to ${ort.prunedWidths}):`)
  for (const r of ort.rows)
    console.log(`  ${r.model.padEnd(22)} ${r.runtime.padEnd(12)} batch ${String(r.batch).padStart(2)} ${(r.threads === 0 ? 'all cores' : `${r.threads} thread`).padEnd(9)} ${r.ms.toFixed(3).padStart(8)}  ×${r.vsParent.toFixed(2)}`)
}
if (webgpuAdapter)
  console.log(
    `webgpu on ${webgpuAdapter.detail}` +
      (webgpuAdapter.software ? ': a software adapter (the CPU emulates the GPU), a row of correctness, not speed; GPU figures: npm run bench:gpu' : ''),
  )
for (const e of errors) console.log(`skipped: ${e}`)
const info = torchInfo as { version: string; defaultThreads: number } | null
if (info)
  console.log(`PyTorch ${info.version}; it chose ${info.defaultThreads} thread(s) by itself.`)
console.log('x PT > 1: faster than PyTorch (throughput) or slower (latency).')
const seconds = (Date.now() - started) / 1000
console.log(
  `load average ${load.start.toFixed(1)} → ${load.end.toFixed(1)} on ${cpus().length} CPUs; ${seconds.toFixed(0)} s`,
)
mkdirSync(join(root, 'bench-results'), { recursive: true })
writeFileSync(
  join(root, 'bench-results', 'bench.json'),
  JSON.stringify(
    {
      at: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cpus: cpus().length,
        loadAverage: load,
        node: process.version,
      },
      pytorch: info,
      webgpuAdapter,
      rounds: args.rounds,
      examples,
      seconds,
      rows,
      pruned,
      convForward,
      depthwise,
      ort,
      ui,
      queue,
      errors,
    },
    null,
    2,
  ),
)
console.log('wrote bench-results/bench.json')
