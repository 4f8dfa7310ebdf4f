// Runs the built Electron main process (out/main/index.js) under Node with the stub `electron`
// module, exercises it the way the window would, and prints one JSON report on stdout.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { register } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = process.argv[2]
const stubUrl = new URL('./electron.mjs', import.meta.url).href
register(
  'data:text/javascript,' +
    encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier === 'electron') return { url: ${JSON.stringify(stubUrl)}, shortCircuit: true }
        return next(specifier, context)
      }`,
    ),
)
await import(stubUrl)
const stub = globalThis.__electronStub
// A window state saved by an earlier session: the window must open where it was left.
const dataDir = process.env.COMPLAB_DATA_DIR
const stateFile = join(dataDir, 'window-state.json')
writeFileSync(stateFile, JSON.stringify({ x: 120, y: 80, width: 1500, height: 950, maximized: true }))
await import(pathToFileURL(join(root, 'out', 'main', 'index.js')).href)

const until = async (what, check, ms = 30_000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
await until('the window', () => stub.windows.length > 0 || stub.errors.length > 0)
if (stub.errors.length) {
  console.log(JSON.stringify({ errors: stub.errors }))
  process.exit(1)
}
const win = stub.windows[0]
const appUrl = pathToFileURL(win.loaded).href
win.webContents.mainFrame.url = appUrl
const trusted = { senderFrame: win.webContents.mainFrame, sender: win.webContents }
const foreignFrame = { url: 'https://evil.example/', parent: null }
const untrusted = { senderFrame: foreignFrame, sender: { mainFrame: foreignFrame } }
const childFrame = { url: appUrl, parent: win.webContents.mainFrame }
const iframe = { senderFrame: childFrame, sender: win.webContents }
const call = (method, input, event = trusted) => stub.handlers.get(`lab:call:${method}`)(event, input)

const report = {
  channels: [...stub.handlers.keys()].sort(),
  webPreferences: win.options.webPreferences,
  loaded: win.loaded,
}
report.windowOptions = { x: win.options.x, y: win.options.y, width: win.options.width, height: win.options.height, maximized: win.isMaximized() }

// The application menu: its items, and a click delivering a command to the window.
const items = (stub.menu?.template ?? []).flatMap((m) => (m.submenu ?? []).map((i) => ({ menu: m.label ?? m.role, label: i.label ?? i.role, accelerator: i.accelerator ?? null, click: i.click })))
report.menu = items.filter((i) => i.label).map(({ menu, label, accelerator }) => `${menu} > ${label}${accelerator ? ` (${accelerator})` : ''}`)
const sentBefore = stub.sent.length
items.find((i) => i.label === 'Open Spec…')?.click()
items.find((i) => i.label === 'Runs')?.click()
report.menuCommands = stub.sent.slice(sentBefore).map(([channel, command]) => `${channel} ${command}`)

// Native dialogs: save writes where the user chose, open reads what they picked, a cancel is null.
const desktop = (channel, input, event = trusted) => stub.handlers.get(channel)(event, input)
const saved = join(dataDir, 'saved-table.csv')
stub.dialogAnswers.push({ canceled: false, filePath: saved })
report.saveFile = await desktop('desktop:save-file', { defaultName: '../../etc/table.csv', data: 'a,b\r\n1,2\r\n' })
report.savedText = existsSync(saved) ? readFileSync(saved, 'utf8') : null
report.saveDialogDefault = stub.dialogs.at(-1)?.options.defaultPath
report.saveDialogModal = stub.dialogs.at(-1)?.modal
stub.dialogAnswers.push({ canceled: false, filePaths: [dataDir] })
report.saveFiles = await desktop('desktop:save-files', { title: 'Save model', files: [{ name: 'model.json', data: '{}' }, { name: '../weights.bin', data: new Uint8Array([1, 2, 3]) }] })
report.savedModelFiles = ['model.json', 'weights.bin'].filter((f) => existsSync(join(dataDir, f)))
stub.dialogAnswers.push({ canceled: false, filePaths: [saved] })
const opened = await desktop('desktop:open-files', { title: 'Open a spec', filters: [{ name: 'JSON', extensions: ['json'] }] })
report.openFiles = opened.map((f) => ({ name: f.name, text: Buffer.from(f.data).toString('utf8') }))
report.openCancelled = await desktop('desktop:open-files', { title: 'Open' })
report.desktopUntrusted = await desktop('desktop:save-file', { defaultName: 'x', data: 'x' }, untrusted).then(
  () => 'accepted',
  (e) => e.message,
)

// Resizing and closing save the window's place for next time.
win.setBounds({ x: 200, y: 100, width: 1111, height: 777 })
win.maximized = false
win.emit('close')
report.windowStateSaved = JSON.parse(readFileSync(stateFile, 'utf8'))

report.systemInfo = await call('system.info', {})
report.untrusted = await call('system.info', {}, untrusted)
report.iframe = await call('system.info', {}, iframe)
report.invalid = await call('runs.get', { id: 'x' })

// Session policy: CSP header added, remote requests cancelled, permissions refused.
let headers = null
stub.headersReceived({ responseHeaders: {} }, (r) => (headers = r.responseHeaders))
report.csp = headers?.['Content-Security-Policy']?.[0] ?? null
let cancelled = null
stub.beforeRequest.listener({ url: 'https://example.com/' }, (r) => (cancelled = r.cancel))
report.remoteCancelled = cancelled
let granted = null
stub.permissionRequest(null, 'media', (ok) => (granted = ok))
report.permissionGranted = granted

// Navigation guards, as installed on every web contents.
const guards = { open: null, navigate: [] }
const contents = {
  setWindowOpenHandler: (h) => (guards.open = h),
  on: (event, h) => guards.navigate.push([event, h]),
}
for (const listener of stub.appListeners.get('web-contents-created') ?? []) listener({}, contents)
report.openHttps = guards.open({ url: 'https://example.com/paper.pdf' })
report.openFile = guards.open({ url: 'file:///etc/passwd' })
const willNavigate = guards.navigate.find(([e]) => e === 'will-navigate')[1]
const prevented = []
willNavigate({ preventDefault: () => prevented.push('remote') }, 'https://evil.example/')
willNavigate({ preventDefault: () => prevented.push('self') }, `${appUrl}#/runs/1`)
report.navigationPrevented = prevented
report.opened = stub.opened
report.hasWebviewGuard = guards.navigate.some(([e]) => e === 'will-attach-webview')

// A real run through the utilityProcess launcher and the bundled worker; its events reach the window.
const spec = { name: 'electron-smoke', dataset: { name: 'mnist-10k', trainLimit: 200 }, model: { arch: 'mlp', hidden: [8] }, training: { epochs: 1 } }
const launched = await call('experiments.launch', { spec })
const runId = launched.data.runIds[0]
await until('the run to end', () => stub.sent.some(([ch, ev, p]) => ch === 'lab:event' && ev === 'run.status' && p.runId === runId && p.status !== 'running'), 90_000)
report.forks = stub.forks
report.eventsSent = [...new Set(stub.sent.filter(([ch]) => ch === 'lab:event').map(([, ev]) => ev))].sort()
report.run = (await call('runs.get', { id: runId })).data

console.log(`REPORT ${JSON.stringify(report)}`)
// Quit the way Electron does: before-quit stops the lab, then app.quit() exits.
for (const listener of stub.appListeners.get('before-quit') ?? []) listener({ preventDefault() {} })
