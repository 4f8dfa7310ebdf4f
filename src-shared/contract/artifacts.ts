/** Contract methods of a run's artifacts: the files it saved, and its preview images. */
import { z } from 'zod'
import { id } from './common'

/** Largest preview image `artifacts.preview` sends (the PNG file, before base64). */
export const MAX_PREVIEW_BYTES = 4 * 1024 * 1024

export const artifactInputs = {
  'artifacts.read': z.object({ id }).strict(),
  /** A preview image of run `runId` (a detection run's test images with boxes drawn). */
  'artifacts.preview': z.object({ runId: id, id }).strict(),
} as const

/** One preview artifact as an image the UI can show in Electron and in a browser alike. */
export interface PreviewImage {
  id: number
  runId: number
  /** File name, e.g. `test-0.png`. */
  name: string
  width: number
  height: number
  bytes: number
  /** `data:image/png;base64,…` (the CSP allows data: images; no file URL or route is needed). */
  dataUrl: string
}

export interface ArtifactOutputs {
  'artifacts.read': { name: string; mime: string; base64: string; bytes: number }
  'artifacts.preview': PreviewImage
}
