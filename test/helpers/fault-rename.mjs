// Fault injection for the real run worker, preloaded with `--import`: the process kills itself
// with SIGKILL at the moment it would rename a file whose name is COMPLAB_FAULT_RENAME into place
// (the model save writes a temporary file, then renames it). So the kill lands exactly between
// "temporary file written" and "artifact in place", which no timer could hit reliably.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { basename } from 'node:path'

const target = process.env.COMPLAB_FAULT_RENAME
if (target) {
  const rename = fs.renameSync
  fs.renameSync = function renameSyncOrDie(from, to) {
    if (basename(String(to)) === target) process.kill(process.pid, 'SIGKILL')
    return rename.call(this, from, to)
  }
  // ESM `import { renameSync } from 'node:fs'` bindings follow the patched property.
  syncBuiltinESMExports()
}
