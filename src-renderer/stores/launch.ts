/**
 * The launch form's state: the spec being written (validated by the lab as it changes, so the
 * form shows problems inline and how many runs it will launch), the spec JSON Schema the form
 * is generated from, the bundled examples, and spec files opened and saved.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LaunchResult, SpecExample, ValidateResult } from '../../src-shared/contract'
import { lab } from '../api/client'
import type { JsonSchema } from '../components/form/schema-form'
import { openFiles, saveFile, toBase64 } from '../platform/files'
import { useNoticesStore } from './notices'

export type SpecDraft = Record<string, unknown>

/** What a new form starts with: one small model trained on 1,000 digits. */
export function starterSpec(): SpecDraft {
  return {
    name: 'my-experiment',
    dataset: { name: 'mnist-10k', trainLimit: 1000 },
    model: { arch: 'mlp', hidden: [64] },
    training: { epochs: 2 },
    method: { kind: 'train' },
  }
}

const VALIDATE_DELAY_MS = 250

/** Method kinds that prune a parent (their layers can be named). */
const PRUNING_KINDS = new Set(['prune', 'singh', 'magnitude', 'slimming', 'sensitivity'])
const isPruning = (s: SpecDraft): boolean => PRUNING_KINDS.has(String((s.method as { kind?: unknown } | undefined)?.kind))

export const useLaunchStore = defineStore('launch', () => {
  const notices = useNoticesStore()
  const schema = shallowRef<JsonSchema | null>(null)
  const examples = shallowRef<SpecExample[]>([])
  const spec = shallowRef<SpecDraft>(starterSpec())
  const validation = shallowRef<ValidateResult | null>(null)
  const validating = ref(false)
  const launching = ref(false)
  const error = ref<string | null>(null)
  /** Why the spec text being edited ("Edit as JSON") does not parse: nothing can launch until it does. */
  const textError = ref<string | null>(null)
  /** Where the spec came from (an example or a file), for the heading and the save name. */
  const source = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0
  /** The spec as loaded (example, file, new): what "edited" compares with. */
  const loaded = shallowRef<string>(JSON.stringify(spec.value))
  /** The user changed the spec since it was loaded: replacing it asks first. */
  const edited = computed(() => JSON.stringify(spec.value) !== loaded.value)
  /** Prunable layers of the model the spec prunes (the layer picker), or why there are none. */
  const layers = shallowRef<{ name: string; units: number }[]>([])
  const layersReason = ref<string | null>(null)

  async function load(): Promise<void> {
    try {
      if (!schema.value) schema.value = (await lab.call('specs.schema', {})) as JsonSchema
      examples.value = await lab.call('specs.examples', {})
      error.value = null
    } catch (e) {
      error.value = (e as Error).message
    }
    if (!validation.value) void validate()
  }

  async function validate(): Promise<void> {
    const gen = ++generation
    validating.value = true
    try {
      const prunes = isPruning(spec.value)
      const [result, planned] = await Promise.all([
        lab.call('experiments.validate', { spec: spec.value }),
        prunes ? lab.call('specs.layers', { spec: spec.value }) : Promise.resolve({ layers: [], reason: 'the method prunes no layers' }),
      ])
      if (gen === generation) {
        validation.value = result
        layers.value = planned.layers
        layersReason.value = planned.reason
      }
    } catch (e) {
      if (gen === generation) error.value = (e as Error).message
    } finally {
      if (gen === generation) validating.value = false
    }
  }

  function setSpec(next: SpecDraft, from?: string): void {
    spec.value = next
    if (from !== undefined) {
      source.value = from
      loaded.value = JSON.stringify(next)
    }
    clearTimeout(timer)
    validating.value = true
    timer = setTimeout(() => void validate(), VALIDATE_DELAY_MS)
  }

  function loadExample(name: string): void {
    const example = examples.value.find((e) => e.name === name)
    if (!example || !example.spec || typeof example.spec !== 'object') return
    setSpec(structuredClone(example.spec) as SpecDraft, `example ${example.file}`)
    notices.info(`Loaded the example ${example.file}`)
  }

  async function launch(): Promise<LaunchResult | null> {
    // The last spec that parsed is not what the user sees: launch nothing.
    if (textError.value !== null) return null
    clearTimeout(timer)
    launching.value = true
    try {
      const result = await lab.call('experiments.launch', { spec: spec.value })
      notices.info(`Launched ${result.runIds.length} run${result.runIds.length === 1 ? '' : 's'} (experiment #${result.experimentId})`)
      error.value = null
      return result
    } catch (e) {
      error.value = (e as Error).message
      await validate()
      return null
    } finally {
      launching.value = false
    }
  }

  async function openSpecFile(): Promise<void> {
    const [file] = await openFiles({ title: 'Open a spec', accept: ['.json'] })
    if (!file) return
    try {
      const parsed = JSON.parse(new TextDecoder().decode(file.bytes)) as unknown
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('a spec is a JSON object')
      setSpec(parsed as SpecDraft, file.name)
      notices.info(`Opened ${file.name}`)
    } catch (e) {
      notices.error(`${file.name} is not a spec: ${(e as Error).message}`)
    }
  }

  async function saveSpecFile(): Promise<void> {
    const name = typeof spec.value.name === 'string' && spec.value.name ? spec.value.name : 'spec'
    const where = await saveFile({ name: `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.json`, mime: 'application/json', data: JSON.stringify(spec.value, null, 2) + '\n' })
    if (where) {
      loaded.value = JSON.stringify(spec.value)
      notices.info(`Saved ${where}`)
    }
  }

  /** Imports a TF.js model (model.json + weight files) into the lab; resolves its path for `teacher.path`. */
  async function importModel(): Promise<string | null> {
    const files = await openFiles({ title: 'Import a TF.js model (model.json and its weight files)', accept: ['.json', '.bin'], multiple: true })
    if (!files.length) return null
    try {
      const result = await lab.call('models.import', { files: files.map((f) => ({ name: f.name, base64: toBase64(f.bytes) })) })
      notices.info(`Imported ${result.files.join(', ')} as ${result.path}`)
      return result.path
    } catch (e) {
      notices.error(`Import failed: ${(e as Error).message}`)
      return null
    }
  }

  /** File → Import teacher: imports a model and makes it the distillation teacher. */
  async function importTeacher(): Promise<void> {
    const path = await importModel()
    if (!path) return
    const method = (spec.value.method ?? {}) as Record<string, unknown>
    const base = method.kind === 'distill' ? method : { kind: 'distill' }
    setSpec({ ...spec.value, method: { ...base, teacher: { source: 'import', path } } })
  }

  return { edited, layers, layersReason, importTeacher, schema, examples, spec, validation, validating, launching, error, textError, source, load, validate, setSpec, loadExample, launch, openSpecFile, saveSpecFile, importModel }
})
