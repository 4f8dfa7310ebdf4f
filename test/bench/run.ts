/**
 * `npm run bench`: what a user waits for, as ratios to a reference measured in the same run
 * (DESIGN §10). Training throughput and inference latency per backend present, against PyTorch
 * on the same CPU when `/usr/bin/python3 -c "import torch"` works. Writes bench-results/bench.json.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

interface Measurement {
  backend: string
  model: string
  examples: number
  samplesPerSec: number
  latencyMs: number
  peakRssMb?: number
  tensorGrowth?: number
}

const root = join(import.meta.dirname, '..', '..')
const only = process.argv.slice(2)

function measure(backend: string, model: string, limit?: number): Measurement | { error: string } {
  const args = ['--import', 'tsx', join(root, 'test/bench/train-throughput.ts'), backend, model]
  if (limit) args.push(String(limit))
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 600_000 })
  if (r.status !== 0) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n')[0] }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Measurement
}

function torchReference(): { version: string; threads: number; results: Measurement[] } | { error: string } {
  const python = '/usr/bin/python3'
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' })
  } catch {
    return { error: 'no PyTorch (apt-get install -y python3-torch)' }
  }
  const out = execFileSync(python, [join(root, 'test/bench/torch_bench.py'), '8000'], { encoding: 'utf8', timeout: 600_000 })
  const parsed = JSON.parse(out) as { torch: string; threads: number; results: Omit<Measurement, 'backend' | 'examples'>[] }
  return {
    version: parsed.torch,
    threads: parsed.threads,
    results: parsed.results.map((r) => ({ ...r, backend: `pytorch ${parsed.torch}`, examples: 8000 })),
  }
}

const models = ['mlp-784-256-10', 'lenet5']
const rows: (Measurement & { ratio: number | null })[] = []
const errors: string[] = []
const torch = torchReference()
if ('error' in torch) errors.push(`reference: ${torch.error}`)
const reference = (model: string): Measurement | undefined => ('results' in torch ? torch.results.find((r) => r.model === model) : undefined)

for (const backend of ['tensorflow', 'wasm', 'cpu']) {
  if (only.length && !only.includes(backend)) continue
  for (const model of models) {
    // The pure-JS cpu backend is orders of magnitude slower on convolutions: time a few batches.
    const limit = backend === 'cpu' && model === 'lenet5' ? 320 : undefined
    const m = measure(backend, model, limit)
    if ('error' in m) {
      errors.push(`${backend} ${model}: ${m.error}`)
      continue
    }
    const ref = reference(model)
    rows.push({ ...m, ratio: ref ? m.samplesPerSec / ref.samplesPerSec : null })
  }
}
if ('results' in torch) for (const r of torch.results) rows.push({ ...r, ratio: 1 })

console.log('training throughput (batch 64, Adam, mnist-10k) and inference latency (batch 64)')
console.log('backend'.padEnd(22), 'model'.padEnd(16), 'samples/s'.padStart(10), 'x PyTorch'.padStart(10), 'latency ms'.padStart(11), 'x PyTorch'.padStart(10), 'peak RSS MB'.padStart(12))
for (const r of rows) {
  const ref = reference(r.model)
  console.log(
    r.backend.padEnd(22),
    r.model.padEnd(16),
    r.samplesPerSec.toFixed(0).padStart(10),
    (r.ratio === null ? '-' : r.ratio.toFixed(2)).padStart(10),
    r.latencyMs.toFixed(2).padStart(11),
    (ref ? (r.latencyMs / ref.latencyMs).toFixed(2) : '-').padStart(10),
    (r.peakRssMb ? r.peakRssMb.toFixed(0) : '-').padStart(12),
  )
}
for (const e of errors) console.log(`skipped: ${e}`)
if ('threads' in torch) console.log(`PyTorch used ${torch.threads} thread(s); x PyTorch > 1 means faster (throughput) or slower (latency).`)
mkdirSync(join(root, 'bench-results'), { recursive: true })
writeFileSync(join(root, 'bench-results', 'bench.json'), JSON.stringify({ at: new Date().toISOString(), rows, errors }, null, 2))
console.log('wrote bench-results/bench.json')
