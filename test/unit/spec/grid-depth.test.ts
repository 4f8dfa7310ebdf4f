/**
 * A sweep-grid value nested thousands deep (issue 14, item 8) once overflowed the stack: HTTP 500
 * `internal`, CLI exit 1. The schema caps the nesting: a clear issue naming the axis, exit 2.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../../../src-main/cli/index'
import { createLab } from '../../../src-main/lab/index'
import { expandSpec } from '../../../src-shared/spec/expand'
import { MAX_GRID_VALUE_DEPTH } from '../../../src-shared/spec/schema'
import { tempDir } from '../store/helpers'

function nested(depth: number): unknown {
  let v: unknown = 2
  for (let i = 0; i < depth; i++) v = i % 2 ? { t: v } : [v]
  return v
}

/** `nested(depth)` as JSON text, written without JSON.stringify (whose recursion it would overflow). */
function nestedText(depth: number): string {
  let open = ''
  let close = ''
  for (let i = depth - 1; i >= 0; i--) {
    open += i % 2 ? '{"t":' : '['
    close = (i % 2 ? '}' : ']') + close
  }
  return `${open}2${close}`
}

const spec = (value: unknown): Record<string, unknown> => ({
  name: 'deep',
  dataset: { name: 'mnist-10k' },
  model: { arch: 'mlp' },
  method: { kind: 'distill', teacher: { source: 'run', runId: 1 } },
  sweep: { grid: { 'method.temperature': [4, value] } },
})

const DEEP = /^sweep\.grid\.method\.temperature\[1\]: nested more than 32 levels deep/

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => cleanup())

describe('grid values nested too deep', () => {
  it('are refused by the schema with an issue naming the axis value, at any depth', () => {
    expect(MAX_GRID_VALUE_DEPTH).toBe(32)
    for (const depth of [33, 10_000, 200_000]) {
      const result = expandSpec(spec(nested(depth)))
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(`${result.issues[0].path}: ${result.issues[0].message}`).toMatch(DEEP)
    }
    // 32 levels are a value like any other (here refused only because it is not a number).
    const fine = expandSpec(spec(nested(32)))
    expect(fine.ok).toBe(false)
    if (!fine.ok) expect(fine.issues.map((i) => i.message).join()).not.toMatch(/nested/)
  })

  it('the lab answers invalid_input, and the CLI exits 2 with the issue', async () => {
    const lab = await createLab({ dataDir: dir, schedule: false })
    try {
      const launch = await lab.handle('experiments.launch', { spec: spec(nested(10_000)) })
      expect(launch.ok).toBe(false)
      if (!launch.ok) {
        expect(launch.error.code).toBe('invalid_input')
        expect(launch.error.message).toMatch(/nested more than 32 levels deep/)
      }
    } finally {
      await lab.stop()
    }
    const file = join(dir, 'deep.json')
    const text = JSON.stringify(spec('DEEP')).replace('"DEEP"', nestedText(10_000))
    writeFileSync(file, text)
    const err: string[] = []
    const code = await main(['validate', file, '--data-dir', dir], { out: () => {}, err: (l) => err.push(l) })
    expect(err.join('\n')).toMatch(/nested more than 32 levels deep/)
    expect(code).toBe(2)
  })
})
