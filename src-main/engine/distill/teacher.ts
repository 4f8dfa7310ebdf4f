/**
 * The teacher of a distillation as the student sees it: a function from a batch to logits. One
 * model, or an ensemble whose logits are averaged (Hinton 2015 §2 and METHODS D4: "average the
 * members' logits"; Buciluǎ 2006 labels its transfer set with an ensemble).
 */
import * as tf from '@tensorflow/tfjs'
import { loadTeacher } from './teacher-model'

export interface Teacher {
  /** Logits [batch, classes] for a batch shaped like the dataset's examples (inference mode). */
  logits(x: tf.Tensor): tf.Tensor2D
  /** The member models (one for a single teacher). */
  members: tf.LayersModel[]
  dispose(): void
}

/** Logits of one model for a batch; reshapes the batch when the model takes the same values flat. */
export function modelLogits(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const shape = model.inputs[0].shape.slice(1).map((d) => d ?? -1)
    const input = shape.join() === x.shape.slice(1).join() ? x : tf.reshape(x, [x.shape[0], ...shape])
    return model.apply(input, { training: false }) as tf.Tensor2D
  })
}

/** Mean of the members' logits, z̄ = (1/M) Σ_m z_m (an ensemble teacher). */
export function ensembleLogits(members: readonly tf.LayersModel[], x: tf.Tensor): tf.Tensor2D {
  if (members.length === 0) throw new Error('an ensemble needs at least one member')
  return tf.tidy(() => {
    if (members.length === 1) return modelLogits(members[0], x)
    return tf.div(tf.addN(members.map((m) => modelLogits(m, x))), members.length) as tf.Tensor2D
  })
}

/** A teacher from models (one, or the members of an ensemble); disposing it disposes them. */
export function teacherFromModels(members: tf.LayersModel[]): Teacher {
  return {
    members,
    logits: (x) => ensembleLogits(members, x),
    dispose: () => members.forEach((m) => m.dispose()),
  }
}

/** Loads every member (checking each fits the dataset) and returns the (ensemble) teacher. */
export async function loadTeachers(
  paths: readonly string[],
  inputShape: number[],
  numClasses: number,
): Promise<{ teacher: Teacher; notes: string[] }> {
  if (paths.length === 0) throw new Error('a distillation run needs one teacher model, got 0 (an ensemble needs 2 or more)')
  const members: tf.LayersModel[] = []
  const notes: string[] = []
  try {
    for (const [i, path] of paths.entries()) {
      const loaded = await loadTeacher(path, inputShape, numClasses)
      members.push(loaded.model)
      if (loaded.note) notes.push(paths.length > 1 ? `member ${i + 1}: ${loaded.note}` : loaded.note)
    }
  } catch (e) {
    members.forEach((m) => m.dispose())
    throw e
  }
  return { teacher: teacherFromModels(members), notes }
}

export { evaluateLogits } from '../train/evaluate'
