#!/usr/bin/env node
// The `complab` command. Runs the TypeScript sources through tsx's loader (a dependency), so the
// CLI works straight after `npm install` with no build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src-main/cli/index.ts')
process.exitCode = await main(process.argv.slice(2))
