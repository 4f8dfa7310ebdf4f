/**
 * Every field of the experiment spec has help text (issue 18 item 14): the zod `.describe` of each
 * field is carried into the JSON Schema (`specs.schema`), which the docs and the Launch form read.
 * The walk covers every variant of every union (datasets, models, methods, teachers, layers).
 */
import { describe, expect, it } from 'vitest'
import { pathFieldLocations } from '../../../src-shared/spec/path-field'
import { experimentSpecSchema, specJsonSchema } from '../../../src-shared/spec/schema'

interface JsonNode {
  description?: string
  properties?: Record<string, JsonNode>
  items?: JsonNode | JsonNode[]
  prefixItems?: JsonNode[]
  anyOf?: JsonNode[]
  oneOf?: JsonNode[]
  allOf?: JsonNode[]
  additionalProperties?: JsonNode | boolean
}

/** `path` of every object property without a description, and how many properties were seen. */
function undescribed(root: JsonNode): { missing: string[]; seen: number } {
  const missing: string[] = []
  let seen = 0
  const walk = (node: JsonNode | undefined, path: string): void => {
    if (!node || typeof node !== 'object') return
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      seen++
      if (!child.description?.trim()) missing.push(`${path}${path ? '.' : ''}${key}`)
      walk(child, `${path}${path ? '.' : ''}${key}`)
    }
    for (const list of [node.anyOf, node.oneOf, node.allOf, node.prefixItems]) list?.forEach((n) => walk(n, path))
    if (Array.isArray(node.items)) node.items.forEach((n) => walk(n, `${path}[]`))
    else walk(node.items, `${path}[]`)
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{}`)
  }
  walk(root, '')
  return { missing: [...new Set(missing)], seen }
}

describe('spec field descriptions', () => {
  it('every field of every variant has a description in the JSON Schema', () => {
    const { missing, seen } = undescribed(specJsonSchema() as JsonNode)
    expect(seen).toBeGreaterThan(300)
    expect(missing).toEqual([])
  })

  it('the walk finds a field without one (the check can fail)', () => {
    const { missing } = undescribed({ properties: { a: { description: 'A' }, b: { anyOf: [{ properties: { c: {} } }] } } })
    expect(missing).toEqual(['b', 'b.c'])
  })

  it('described path fields are still confined path fields', () => {
    const locations = pathFieldLocations(experimentSpecSchema)
    expect(locations).toEqual(expect.arrayContaining(['dataset<idx>.trainImages', 'dataset<csv>.path', 'dataset<voc>.root', 'dataset<voc>.unlabelled']))
    expect(locations).toEqual(expect.arrayContaining(['method<distill>.teacher<ensemble>.members[]<import>.path', 'method<prune>.parent<import>.path']))
    expect(locations).toEqual(expect.arrayContaining(['dataset<cifar10>.root', 'dataset<image-folder>.test', 'method<train>.from<import>.path', 'method<quantize>.parent<import>.path']))
    expect(locations.length).toBeGreaterThanOrEqual(21)
  })
})
