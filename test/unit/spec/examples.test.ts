/** Every bundled example spec expands and passes the launch checks, as the app's "examples" menu offers them. */
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandSpec } from '../../../src-shared/spec/expand'
import { checkRunConfig } from '../../../src-main/engine/validate'

const dir = join(__dirname, '..', '..', '..', 'resources', 'examples')
const files = readdirSync(dir).filter((f) => f.endsWith('.json'))

describe('bundled examples', () => {
  it('are there', () => {
    expect(files).toEqual(expect.arrayContaining(['kd-mnist.json', 'prune-lenet-mnist.json', 'singh-lenet-mnist.json', 'yolo-shapes-distill.json', 'yolo-shapes-prune.json']))
  })

  for (const file of files) {
    it(`${file} expands and every run passes the launch checks`, () => {
      const r = expandSpec(JSON.parse(readFileSync(join(dir, file), 'utf8')))
      if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.issues)}`)
      expect(r.runs.length).toBeGreaterThan(0)
      for (const run of r.runs) expect(checkRunConfig(run.config, tmpdir()), `${file} ${run.label}`).toEqual([])
    })
  }
})
