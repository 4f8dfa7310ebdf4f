/**
 * `complab`: the command-line adapter over the Lab service (DESIGN §1). No business logic here:
 * parse arguments, call contract methods, print. Exit 0 on success, 2 on bad input, 1 when a run
 * failed or anything else went wrong; errors are one line naming the problem.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { LabError } from '../../src-shared/contract'
import { UsageError, type CommandContext } from './context'

/** Each command's module is loaded only when it runs, so `complab runs list` starts fast. */
const COMMANDS: Record<string, () => Promise<(ctx: CommandContext) => Promise<number>>> = {
  run: async () => (await import('./commands/run')).runCommand,
  resume: async () => (await import('./commands/resume')).resumeCommand,
  validate: async () => (await import('./commands/validate')).validateCommand,
  runs: async () => (await import('./commands/runs')).runsCommand,
  export: async () => (await import('./commands/export')).exportCommand,
  'export-model': async () => (await import('./commands/export-model')).exportModelCommand,
  serve: async () => (await import('./commands/serve')).serveCommand,
  doctor: async () => (await import('./commands/doctor')).doctorCommand,
  worker: async () => (await import('./commands/worker')).workerCommand,
  workers: async () => (await import('./commands/worker')).workersCommand,
}

export const USAGE = `complab — Compression Lab on the command line

Usage:
  complab run <spec.json>        launch an experiment and follow its runs to the end (only
                                 its own: runs queued before wait for resume or serve)
  complab resume                 run the queued runs until the queue is empty, then exit
  complab validate <spec.json>   check a spec and list the runs it would launch
  complab runs list              list runs   [--status S,S] [--experiment ID] [--role R]
                                             [--search TEXT] [--sort COL] [--desc] [--limit N] [--json]
  complab runs show <id>         one run: parameters, results, artifacts, log   [--json]
  complab export                 a result table  [--runs 1,2,3 | --experiment ID]
                                             [--format csv|md|latex|json] [--out FILE]
                                             [--matrix teacher-student: rows teachers, columns
                                              students, cells accuracy ± std (gain over alone);
                                              --matrix seeds: each configuration, mean ± std
                                              over seeds, gain over the student alone]
                                             [--metric KEY: the compared result (default test.accuracy,
                                              test.mAP for detection runs); --columns K,K: more
                                              results as mean ± std (seeds)]
  complab export-model <run>     a run's model for deployment  --format tfjs|onnx --out DIR
                                 (onnx: opset 13, int8 per-channel QDQ for a quantize run;
                                 tfjs: weight-manifest quantization, per tensor)
  complab serve                  serve the UI in a browser  [--host H] [--port P] [--token T]
  complab doctor                 which backends (and ONNX Runtime execution providers) are
                                 present, what is missing, how to fix it
  complab worker --queue URL     train runs that labs send to the queue, until Ctrl-C
                                 [--concurrency N] [--backend B] [--name NAME] [--data-dir DIR:
                                  user files are looked up here at the lab's relative paths]
  complab workers --queue URL    list the queue's workers   [--json]

Common options:
  --db PATH          the SQLite database (default: <data dir>/lab.db)
  --data-dir DIR     the lab's data folder (default: $XDG_DATA_HOME/compression-lab,
                     or <db name>-data beside --db)
  --concurrency N    runs at once for run/resume/serve (default 1)
  --backend NAME     webgpu | tensorflow | wasm | cpu (default: the best available)
  --queue URL        redis://[user:password@]host:port[/db] or rediss:// (TLS): run, resume and
                     serve send runs to remote workers (\`complab worker\`); with --concurrency N,
                     N runs still train here besides. Or set COMPLAB_QUEUE_URL (keeps a password
                     out of the process list).
  --attempts N       tries per remote run when its worker dies (default 3)
  -h, --help         this text
  -v, --version      the version
`

const OPTIONS: ParseArgsConfig['options'] = {
  db: { type: 'string' },
  'data-dir': { type: 'string' },
  concurrency: { type: 'string' },
  backend: { type: 'string' },
  status: { type: 'string' },
  experiment: { type: 'string' },
  role: { type: 'string' },
  search: { type: 'string' },
  sort: { type: 'string' },
  desc: { type: 'boolean' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  runs: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  matrix: { type: 'string' },
  metric: { type: 'string' },
  columns: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  queue: { type: 'string' },
  attempts: { type: 'string' },
  name: { type: 'string' },
  'lock-ms': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: Pick<CommandContext, 'out' | 'err'> = defaultIo()): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (e) {
    io.err(`error: ${(e as Error).message.split('\n')[0]}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.version) {
    io.out(await version())
    return 0
  }
  const [command, ...rest] = positionals
  if (values.help || !command) {
    io.out(USAGE)
    return command || values.help ? 0 : 2
  }
  const ctx: CommandContext = { ...io, options: values as CommandContext['options'], args: rest }
  try {
    const load = COMMANDS[command]
    if (!load) throw new UsageError(`unknown command '${command}' (see complab --help)`)
    return await (await load())(ctx)
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}`)
      return 2
    }
    if (e instanceof LabError) {
      io.err(`error: ${e.message}`)
      return e.code === 'invalid_input' || e.code === 'not_found' ? 2 : 1
    }
    io.err(`error: ${(e as Error).message ?? String(e)}`)
    return 1
  }
}

function defaultIo(): Pick<CommandContext, 'out' | 'err'> {
  // Output piped into `head` and the like: a closed pipe ends the command quietly, as in Unix tools.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0)
    throw e
  })
  return {
    out: (line: string) => process.stdout.write(line.endsWith('\n') ? line : line + '\n'),
    err: (line: string) => process.stderr.write(line.endsWith('\n') ? line : line + '\n'),
  }
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return `complab ${pkg.version}`
}
