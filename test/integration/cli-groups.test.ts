/** `complab runs show` lists a pruning run's dependency groups: members, channels before → after, score. */
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { openStore } from '../../src-main/store/index'
import { complab } from '../helpers/complab'
import { GROUP_REPORTS } from '../helpers/group-reports'
import { seedRuns, tempDir } from '../unit/store/helpers'

const tmp = tempDir('complab-cli-groups-')
afterAll(() => tmp.cleanup())

it('runs show lists the groups of a pruning run, and --json carries them', async () => {
  const db = join(tmp.dir, 'lab.db')
  const store = openStore(db)
  const [id, plain] = seedRuns(store, 2).runIds
  store.groups.setGroups(id, GROUP_REPORTS)
  store.close()
  const show = await complab(['runs', 'show', String(id), '--db', db])
  expect(show.stderr).toBe('')
  expect(show.code).toBe(0)
  const lines = show.stdout.split('\n')
  const at = lines.indexOf('groups (channels removed together from every member):')
  expect(at).toBeGreaterThan(0)
  expect(lines.slice(at + 1, at + 3)).toEqual([
    '  stem      16 → 8 channels  score 0.250  [producer stem, b1_conv2; batch-norm stem_bn; coupling b1_add; consumer b2_conv1]',
    '  b1_conv1  16 → 12 channels  [producer b1_conv1]',
  ])
  const json = await complab(['runs', 'show', String(id), '--db', db, '--json'])
  expect((JSON.parse(json.stdout) as { groups: { name: string }[] }).groups.map((g) => g.name)).toEqual(['stem', 'b1_conv1'])
  // A run without groups (not a pruning run) shows no groups section.
  expect((await complab(['runs', 'show', String(plain), '--db', db])).stdout).not.toContain('groups (')
}, 60_000)
