import { isAbsolute, resolve } from 'node:path'

/** Resolves a user-given data path: absolute as is, relative against the run's data folder. */
export function resolveDataPath(dataDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dataDir, path)
}
