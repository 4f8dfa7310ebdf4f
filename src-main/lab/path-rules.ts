/**
 * Which files a launch may name (DESIGN §8: "file paths in requests are confined to the lab's
 * data folder"). A lab serving requests from a browser confines them: every dataset file and
 * imported model must be a relative path that stays inside the data folder, symbolic links
 * included, and `npm:` paths may not climb out of their package. This is checked before anything
 * reads a file, so a refused path tells the caller nothing about what exists outside.
 *
 * The CLI and the desktop window act for the local user, who may name any file they can read.
 */
import { existsSync, realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { modelRefs, type ExpansionIssue, type RunPlan } from '../../src-shared/spec/expand'

/** Every file path field of a run's config, with the spec path that names it. */
function pathFields(plan: RunPlan): { path: string; value: string }[] {
  const fields: { path: string; value: string }[] = []
  const d = plan.config.dataset
  if (d.name === 'idx') {
    fields.push({ path: 'dataset.trainImages', value: d.trainImages })
    fields.push({ path: 'dataset.trainLabels', value: d.trainLabels })
    if (d.testImages !== undefined) fields.push({ path: 'dataset.testImages', value: d.testImages })
    if (d.testLabels !== undefined) fields.push({ path: 'dataset.testLabels', value: d.testLabels })
  }
  if (d.name === 'csv') fields.push({ path: 'dataset.path', value: d.path })
  const { teachers, parent } = modelRefs(plan.config.method)
  for (const t of teachers) if ('path' in t) fields.push({ path: 'method.teacher.path', value: t.path })
  if (parent && 'path' in parent) fields.push({ path: 'method.parent.path', value: parent.path })
  return fields
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The real location of `path`, following links, for the part of it that exists. */
function realLocation(path: string): string {
  let existing = path
  const rest: string[] = []
  while (!existsSync(existing)) {
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
  if (!inside(realRoot, realLocation(target))) return "leads out of the lab's data folder (a link)"
  return null
}

/** The path problems of every run of a launch, each field once. */
export function confinedPathIssues(dataDir: string, runs: readonly RunPlan[]): ExpansionIssue[] {
  const issues = new Map<string, ExpansionIssue>()
  for (const plan of runs) {
    for (const field of pathFields(plan)) {
      const problem = confinedPathProblem(dataDir, field.value)
      if (!problem) continue
      const message = `${JSON.stringify(field.value)} ${problem}`
      issues.set(`${field.path}\0${message}`, { path: field.path, message })
    }
  }
  return [...issues.values()]
}
