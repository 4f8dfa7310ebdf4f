/**
 * Which files a launch may name (DESIGN §8: "file paths in requests are confined to the lab's
 * data folder"). A lab serving requests from a browser confines them: every path field of the spec
 * (those declared with `pathField`, found by walking the schema: dataset files and folders,
 * imported models, in every grid point) must be a relative path that stays inside the data folder,
 * symbolic links included, and `npm:` paths may not climb out of their package. This is checked
 * before anything reads a file, and a refusal's words depend only on the path as written and on
 * what lies inside the folder, so a caller learns nothing about what exists outside.
 *
 * The CLI and the desktop window act for the local user, who may name any file they can read.
 */
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import type { ExpansionIssue, PathValue } from '../../src-shared/spec/expand'

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The target of `path` when it is a symbolic link (one that leads nowhere included), else null. */
function linkTarget(path: string): string | null {
  try {
    return lstatSync(path).isSymbolicLink() ? resolve(dirname(path), readlinkSync(path)) : null
  } catch {
    return null
  }
}

/**
 * The real location of `path`, following links, for the part of it that exists; a link whose
 * target does not exist (yet) is followed too. Null for a loop of links.
 */
function realLocation(path: string, hops = 0): string | null {
  if (hops > 40) return null
  let existing = path
  const rest: string[] = []
  while (!existsSync(existing)) {
    const target = linkTarget(existing)
    if (target !== null) return realLocation(resolve(target, ...rest), hops + 1)
    const up = resolve(existing, '..')
    if (up === existing) return path
    rest.unshift(existing.slice(up.length + (up.endsWith(sep) ? 0 : 1)))
    existing = up
  }
  return resolve(realpathSync(existing), ...rest)
}

/** Why `value` may not be read by a confined lab, or null when it may. */
export function confinedPathProblem(dataDir: string, value: string): string | null {
  if (value.includes('\0')) return 'contains a NUL character'
  const npm = /^npm:(.*)$/.exec(value)
  if (npm) {
    const parts = npm[1].split(/[\\/]/)
    if (parts.some((p) => p === '..') || isAbsolute(npm[1])) return 'an npm: path may not leave its package'
    return null
  }
  if (isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value))
    return "must be relative to the lab's data folder (absolute paths are not accepted here)"
  const root = resolve(dataDir)
  const target = resolve(root, value)
  if (!inside(root, target)) return "leaves the lab's data folder"
  // A link inside the folder that points out of it is refused too.
  let realRoot = root
  try {
    realRoot = realpathSync(root)
  } catch {
    // No data folder yet: nothing in it can be a link.
  }
  const real = realLocation(target)
  if (real === null || !inside(realRoot, real)) return "leads out of the lab's data folder (a link)"
  return null
}

/** The problems of every path a launch names (`expandSpec`'s `paths`), each field and value once. */
export function confinedPathIssues(dataDir: string, paths: readonly PathValue[]): ExpansionIssue[] {
  const issues: ExpansionIssue[] = []
  for (const field of paths) {
    const problem = confinedPathProblem(dataDir, field.value)
    if (problem) issues.push({ path: field.path, message: `${JSON.stringify(field.value)} ${problem}` })
  }
  return issues
}
