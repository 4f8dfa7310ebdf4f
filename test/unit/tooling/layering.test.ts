/** The ESLint layering rule (DESIGN §1) refuses an upward or sideways import and lets a downward one through. */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()

/** The layering messages ESLint gives `code` as if it were the file `filePath`. */
async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('layering rule', () => {
  it('refuses imports upwards and sideways, lets imports downwards and into src-shared through', async () => {
    // [file, import, refused]
    const cases: [string, string, boolean][] = [
      ['src-main/engine/methods/x.ts', '../../worker/protocol', true],
      ['src-main/store/x.ts', '../worker/protocol', true],
      ['src-main/scheduler/x.ts', '../lab/paths', true],
      ['src-main/worker/x.ts', '../store/index', true],
      ['src-main/lab/handlers/x.ts', '../../server/index', true],
      ['src-main/server/x.ts', '../cli/index', true],
      ['src-shared/x.ts', '../src-main/lab/types', true],
      ['src-renderer/stores/x.ts', '../../src-main/lab/types', true],
      ['src-main/lab/handlers/x.ts', '../../scheduler/index', false],
      ['src-main/scheduler/x.ts', '../store/data-folder', false],
      ['src-main/worker/x.ts', '../engine/run-job', false],
      ['src-main/engine/methods/x.ts', '../../../src-shared/metrics', false],
      ['src-main/cli/commands/x.ts', '../../server/serve', false],
    ]
    for (const [file, from, refused] of cases) {
      const errors = await layeringErrors(file, `import type { T } from '${from}'\nexport type U = T\n`)
      expect(errors, `${file} importing ${from}`).toHaveLength(refused ? 1 : 0)
      if (refused) expect(errors[0]).toMatch(/DESIGN §1 layering/)
    }
  }, 60_000)
})
