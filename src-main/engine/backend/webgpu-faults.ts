/**
 * A WebGPU device that is lost (driver reset, GPU removed, destroyed) or that reports an error no
 * one captured (an allocation beyond the GPU's memory or its buffer limits, a validation error)
 * cannot be trusted for the rest of the run: its reads reject with a bare DOMException, or worse,
 * its results are silently wrong. The device is watched from creation; the first failure is kept,
 * in words that name the adapter, and the run ends `failed` with it (checked after every epoch
 * and when the run ends, and used as the message when the run throws).
 */
import * as tf from '@tensorflow/tfjs'
import type { WebGpuAdapter } from '../../../src-shared/types'
import { describeAdapter } from '../../../src-shared/webgpu-adapter'

interface LostInfo {
  reason?: string
  message?: string
}

interface ErrorEventLike {
  error?: { message?: string; constructor?: { name?: string } }
}

/** The part of a GPUDevice watched here. */
export interface WatchedDevice {
  lost: Promise<LostInfo>
  addEventListener?(type: 'uncapturederror', listener: (e: ErrorEventLike) => void): void
}

let fault: { lost: boolean; text: string } | null = null
/** The device the backend uses now (a re-created backend gets a new one, with a clean slate). */
let current: WatchedDevice | null = null

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n').map((s) => s.trim()).find(Boolean) ?? ''
}

/** What to call a WebGPU error class in a message (`GPUOutOfMemoryError` → `out of memory`). */
function kindOf(name: string | undefined): string {
  if (name === 'GPUOutOfMemoryError') return 'out of GPU memory'
  if (name === 'GPUValidationError') return 'validation error'
  if (name === 'GPUInternalError') return 'internal error'
  return 'error'
}

/** Watches `device` (on `adapter`) for loss and uncaptured errors. */
export function watchDevice(device: WatchedDevice, adapter: WebGpuAdapter): void {
  const on = describeAdapter(adapter)
  current = device
  fault = null
  void device.lost.then((info) => {
    if (device !== current || fault?.lost) return
    const why = firstLine(info.message) || 'no reason given'
    fault = { lost: true, text: `WebGPU device lost on ${on}: ${why}${info.reason ? ` (reason: ${info.reason})` : ''}` }
  })
  device.addEventListener?.('uncapturederror', (e) => {
    if (device !== current || fault) return
    fault = { lost: false, text: `WebGPU ${kindOf(e.error?.constructor?.name)} on ${on}: ${firstLine(e.error?.message)}` }
  })
}

/** The first loss or uncaptured error of the webgpu device, in one line; null while all is well. */
export function webgpuFault(): string | null {
  return fault?.text ?? null
}

/**
 * The device's failure once Dawn has had a moment to report it: a read on a lost device may
 * reject before the loss itself is delivered. Waits at most `ms` for a loss; null when none.
 */
export async function settledWebGpuFault(ms = 250): Promise<string | null> {
  if (fault || !current) return webgpuFault()
  let timer: ReturnType<typeof setTimeout> | undefined
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
  await Promise.race([current.lost.then(() => undefined), waited])
  clearTimeout(timer)
  return webgpuFault()
}

/** Throws the device's failure, if any, while webgpu is the active backend (after an epoch, at the end of a run). */
export function throwIfWebGpuFailed(): void {
  if (fault && tf.getBackend() === 'webgpu') throw new Error(fault.text)
}

/** Forgets an error (not a loss: a lost device stays lost) before the next run of this process. */
export function clearWebGpuError(): void {
  if (fault && !fault.lost) fault = null
}
