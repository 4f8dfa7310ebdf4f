/** Reading a spec file with errors that name the file and the problem. */
import { readFile } from 'node:fs/promises'
import { UsageError } from './context'

export async function readSpecFile(path: string | undefined): Promise<unknown> {
  if (!path) throw new UsageError('missing the spec file (complab run <spec.json>)')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(`cannot read spec ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new UsageError(`spec ${path} is not valid JSON: ${(e as Error).message}`)
  }
}
