/**
 * Detection data as the engine sees it, whatever the source (`shapes`, PASCAL VOC folders, folders
 * of unlabelled images). The classification `Dataset` carries one class per example; a detection
 * example carries a list of boxes, so it has its own types. Boxes are in normalised image
 * coordinates (0..1 of the width and height), so they do not change when an image is resized to
 * the model's input size.
 */
import type { Box } from './box'

/** One annotated object: its class and box; `difficult` objects are ignored by VOC AP. */
export interface DetectionObject extends Box {
  classId: number
  difficult: boolean
}

/** Images (NHWC, float32 in [0, 1]) with their objects. */
export interface DetectionSplit {
  /** n × h × w × c pixel values, image after image. */
  x: Float32Array
  n: number
  /** The objects of each image (length n). */
  objects: DetectionObject[][]
  /** Where each image came from (file name, or `shapes-train-12`), for messages and the UI. */
  names: string[]
}

/** Images without annotations (extra data for distillation: teacher terms only). */
export interface ImageSplit {
  x: Float32Array
  n: number
  names: string[]
}

/** A broken file that was skipped, with the reason (DetectionDataset.warnings). */
export interface DataWarning {
  file: string
  message: string
}

/** What to do with a broken image or annotation: skip it with a warning, or refuse the dataset. */
export type BrokenFilePolicy = 'skip' | 'refuse'

/** A detection dataset (DESIGN §4 `data`): train/test splits and optionally unlabelled images. */
export interface DetectionDataset {
  name: string
  /** [height, width, channels] of every image (channels = 3). */
  inputShape: [number, number, number]
  numClasses: number
  classNames: string[]
  train: DetectionSplit
  test: DetectionSplit
  unlabelled?: ImageSplit
  /** Files skipped under the `skip` policy, and objects dropped (e.g. unknown class names). */
  warnings: DataWarning[]
}

/** Pixel values of one example of an image split. */
export function imageAt(split: { x: Float32Array }, index: number, shape: readonly number[]): Float32Array {
  const size = shape[0] * shape[1] * shape[2]
  return split.x.subarray(index * size, (index + 1) * size)
}

/** Number of non-difficult objects of each class in a split (the `npos` of VOC AP). */
export function objectCounts(split: DetectionSplit, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0)
  for (const objects of split.objects) for (const o of objects) if (!o.difficult) counts[o.classId]++
  return counts
}
