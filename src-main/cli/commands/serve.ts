/** `complab serve`: the lab's UI and API over HTTP + WebSocket, until Ctrl-C. */
import { intOption, labPaths, labRunOptions, stringOption, type CommandContext } from '../context'
import { serveLab } from '../../server/serve'

export async function serveCommand(ctx: CommandContext): Promise<number> {
  const { dbPath, dataDir } = labPaths(ctx)
  const server = await serveLab({
    dbPath,
    dataDir,
    host: stringOption(ctx, 'host') ?? '127.0.0.1',
    port: intOption(ctx, 'port', 0) ?? 5178,
    token: stringOption(ctx, 'token'),
    ...labRunOptions(ctx),
  })
  ctx.out(`Compression Lab is serving ${dbPath}`)
  ctx.out(`open ${server.url}`)
  if (server.token) ctx.out(`token: ${server.token} (required on every request from another machine)`)
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await server.close()
  return 0
}
