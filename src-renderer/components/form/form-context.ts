/** What the launch form's fields read from the form around them (provided by LaunchView). */
import type { Component, ComputedRef, InjectionKey } from 'vue'

export interface FormContext {
  /** Validation problems by field path (`training.epochs`, `model.hidden[0]`). */
  issues: ComputedRef<ReadonlyMap<string, string[]>>
  /** Earlier runs whose model can be a teacher or a parent (finished, with a saved model). */
  runChoices: ComputedRef<{ id: number; text: string }[]>
  /** Asks for a TF.js model (model.json + weights), imports it, resolves its lab path. */
  importModel(): Promise<string | null>
  /** Prunable layers of the model the spec prunes (`specs.layers`), for the layer picker. */
  layers: ComputedRef<{ name: string; units: number }[]>
  /** Why no layers are listed (null when they are). */
  layersReason: ComputedRef<string | null>
}

export const FORM_CONTEXT: InjectionKey<FormContext> = Symbol('launch-form')

/**
 * The field component (`SchemaField`), provided by the form: objects and lists render their
 * members with it, and injecting it keeps the recursive form free of an import cycle.
 */
export const SCHEMA_FIELD: InjectionKey<Component> = Symbol('schema-field')

/** Problems of one field: at its path, or inside it for list inputs (`hidden[1]`). */
export function issuesAt(issues: ReadonlyMap<string, string[]>, path: string, nested: boolean): string[] {
  const own = issues.get(path) ?? []
  if (!nested) return own
  const inner = [...issues.entries()].filter(([p]) => p.startsWith(`${path}[`)).flatMap(([p, m]) => m.map((x) => `${p.slice(path.length)}: ${x}`))
  return [...own, ...inner]
}
