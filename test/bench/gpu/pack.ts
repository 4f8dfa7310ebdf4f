/**
 * `npm run bench:gpu:pack -- DIR`: the GPU bench as one self-contained folder for a machine that has
 * a GPU driver, the Vulkan loader and Python with PyTorch, but no Node or npm (issue 15 item 6):
 * - run.mjs and train-step.mjs: test/bench/gpu bundled by esbuild with the lab's sources;
 * - node_modules/: only what they load at run time: the TF.js packages' Node builds (one file
 *   each), the wasm binaries, seedrandom and long, and `webgpu` with Dawn's Linux x64 binary;
 * - torch_bench_gpu.py (with torch_bench.py, whose MLP and LeNet-5 it uses), the PyTorch CUDA reference;
 * - node.xz: a Node binary, xz-compressed (the `node` npm package's binary where installed,
 *   else this machine's), unpacked by run.sh on first use;
 * - run.sh: `DIR/run.sh [--seconds S] …` runs the bench there, writing DIR/bench-results/.
 * Says the folder's size; the aim is under 64 MiB.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const dir = process.argv[2]
if (!dir) throw new Error('usage: npm run bench:gpu:pack -- DIR')
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })

// ESM has no __dirname/require; some engine modules (and the CommonJS packages) expect them.
const banner =
  "import { createRequire as __complabRequire } from 'node:module'\n" +
  "import { fileURLToPath as __complabPath } from 'node:url'\n" +
  'const require = __complabRequire(import.meta.url)\n' +
  'const __filename = __complabPath(import.meta.url)\n' +
  "const __dirname = __complabPath(new URL('.', import.meta.url))\n"
for (const entry of ['run', 'train-step']) {
  await build({
    entryPoints: [join(here, `${entry}.ts`)],
    outfile: join(dir, `${entry}.mjs`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    banner: { js: banner },
    logLevel: 'warning',
  })
}

const modules = join(root, 'node_modules')
function copyPackage(name: string, files: string[]): void {
  const from = join(modules, name)
  const to = join(dir, 'node_modules', name)
  mkdirSync(to, { recursive: true })
  copyFileSync(join(from, 'package.json'), join(to, 'package.json'))
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true })
    cpSync(join(from, f), join(to, f), { recursive: true })
  }
}
const mainOf = (name: string): string => (JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')) as { main: string }).main
for (const pkg of ['tfjs', 'tfjs-core', 'tfjs-layers', 'tfjs-converter', 'tfjs-data', 'tfjs-backend-cpu', 'tfjs-backend-webgl', 'tfjs-backend-webgpu']) {
  copyPackage(`@tensorflow/${pkg}`, [mainOf(`@tensorflow/${pkg}`)])
}
const wasmDist = join(modules, '@tensorflow/tfjs-backend-wasm', 'dist')
copyPackage('@tensorflow/tfjs-backend-wasm', [mainOf('@tensorflow/tfjs-backend-wasm'), ...readdirSync(wasmDist).filter((f) => f.endsWith('.wasm')).map((f) => `dist/${f}`)])
copyPackage('seedrandom', ['index.js', 'seedrandom.js', 'lib'])
copyPackage('long', [mainOf('long')])
copyPackage('webgpu', ['index.js', 'dist/linux-x64'])
copyFileSync(join(here, 'torch_bench_gpu.py'), join(dir, 'torch_bench_gpu.py'))
copyFileSync(join(here, '..', 'torch_bench.py'), join(dir, 'torch_bench.py'))

const npmNode = join(modules, 'node', 'bin', 'node')
const nodeBinary = existsSync(npmNode) ? npmNode : process.execPath
copyFileSync(nodeBinary, join(dir, 'node'))
execFileSync('xz', ['-T0', '-6', join(dir, 'node')])
writeFileSync(
  join(dir, 'run.sh'),
  '#!/bin/sh\n# The lab\'s GPU bench (npm run bench:gpu), self-contained: see docs/performance.md.\n' +
    'set -e\ncd "$(dirname "$0")"\n[ -x node ] || xz -dk node.xz\nexec ./node run.mjs "$@"\n',
)
chmodSync(join(dir, 'run.sh'), 0o755)

function size(path: string): number {
  const s = statSync(path)
  return s.isDirectory() ? readdirSync(path).reduce((a, f) => a + size(join(path, f)), 0) : s.size
}
const mib = size(dir) / 2 ** 20
console.log(`packed ${dir}: ${mib.toFixed(1)} MiB (Node ${process.version} from ${nodeBinary === npmNode ? "the npm package 'node'" : process.execPath})${mib > 64 ? ' — over the 64 MiB aim' : ''}`)
console.log(`on the GPU machine: ${dir}/run.sh [--seconds S] [--models mlp,lenet5,resnet20]`)
