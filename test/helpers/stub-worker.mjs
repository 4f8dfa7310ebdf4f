// A run worker without TensorFlow: a real process that speaks the worker protocol
// (src-main/worker/protocol.ts) — ready, then on `start` a few metric messages, a result and
// done. What it does comes from STUB_WORKER (JSON): { steps, pointsPerStep, stepMs, fail }.
const behaviour = { steps: 3, pointsPerStep: 2, stepMs: 20, fail: null, ...JSON.parse(process.env.STUB_WORKER ?? '{}') }

function send(message) {
  if (process.connected) process.send(message)
}

process.on('disconnect', () => process.exit(1))
process.on('message', (message) => {
  if (message?.type !== 'start') return
  const runId = message.job.runId
  send({ type: 'backend', name: 'stub' })
  let step = 0
  const timer = setInterval(() => {
    step++
    const points = []
    for (let k = 0; k < behaviour.pointsPerStep; k++) points.push({ key: `stub.k${k}`, step, value: runId + step / 100 + k })
    send({ type: 'metric', points })
    send({ type: 'progress', phase: 'train', epoch: step, epochs: behaviour.steps, step, steps: behaviour.steps, fraction: step / behaviour.steps, etaSeconds: 0 })
    if (step < behaviour.steps) return
    clearInterval(timer)
    if (behaviour.fail) send({ type: 'error', message: behaviour.fail })
    else {
      send({ type: 'result', results: { 'test.accuracy': 0.5, 'stub.steps': step } })
      send({ type: 'done' })
    }
    // Exit once the channel has drained, as the real worker does.
    process.send({ type: 'heartbeat' }, () => process.exit(behaviour.fail ? 1 : 0))
  }, behaviour.stepMs)
})
send({ type: 'ready' })
