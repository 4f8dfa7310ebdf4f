/**
 * A structured runs filter (`src-shared/filter-query.ts`) as SQL over `runs r JOIN experiments e`.
 * Only fixed SQL text is written; every key and value is a bound parameter (`@w0`, `@w1`, …), so
 * nothing from the input is spliced into the statement (DESIGN §5).
 *
 * A run field (`status`, `seed`, `tag`, …) reads its column; any other key reads the run's result
 * of that name, or else its parameter of that name (params are stored flattened to dotted keys).
 * A run without the key never matches a comparison (SQL's NULL), `!=` and `not in` included.
 */
import { FilterSyntaxError, isRunFilterField, parseFilter, type FilterNode, type FilterValue, type RunFilterField } from '../../src-shared/filter-query'
import { LabError } from '../../src-shared/contract'

export interface RunWhere {
  /** A boolean SQL expression (fixed text and `@wN` parameters only). */
  sql: string
  params: Record<string, string | number>
}

const FIELD_SQL: Readonly<Record<Exclude<RunFilterField, 'tag'>, string>> = {
  id: 'r.id',
  experiment: 'e.name',
  label: 'r.label',
  role: 'r.role',
  method: 'r.method',
  seed: 'r.seed',
  status: 'r.status',
}

const SQL_OP = { '=': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const

/** Booleans as SQLite stores them in JSON (`json_extract` reads true as 1). */
const bindable = (v: FilterValue): string | number => (typeof v === 'boolean' ? Number(v) : v)

/** `%` and `_` typed in a `~` value are literal characters, not LIKE wildcards. */
const contains = (v: FilterValue): string => `%${String(v).replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Compiles a parsed query; parameters are named `@w0…` (they never clash with the list's own). */
export function compileRunWhere(node: FilterNode): RunWhere {
  const params: Record<string, string | number> = {}
  const bind = (v: string | number): string => {
    const name = `w${Object.keys(params).length}`
    params[name] = v
    return `@${name}`
  }
  /** `test` applied to the key's value: a column, a tag, or a result else a parameter. */
  const onKey = (key: string, test: (value: string) => string): string => {
    if (isRunFilterField(key)) {
      return key === 'tag' ? `EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND ${test('t.tag')})` : test(FIELD_SQL[key])
    }
    const value = `COALESCE((SELECT x.value FROM results x WHERE x.run_id = r.id AND x.key = ${bind(key)}), json_extract(r.params, ${bind(`$."${key}"`)}))`
    return test(value)
  }
  const visit = (n: FilterNode): string => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return `(${n.parts.map(visit).join(n.kind === 'and' ? ' AND ' : ' OR ')})`
      case 'not':
        return `(NOT ${visit(n.part)})`
      case 'in': {
        const list = bind(JSON.stringify(n.values.map(bindable)))
        return onKey(n.key, (v) => `(${v} ${n.negate ? 'NOT IN' : 'IN'} (SELECT value FROM json_each(${list})))`)
      }
      case 'compare':
        if (n.op === '~') return onKey(n.key, (v) => `(${v} LIKE ${bind(contains(n.value))} ESCAPE '\\')`)
        return onKey(n.key, (v) => `(${v} ${SQL_OP[n.op as keyof typeof SQL_OP]} ${bind(bindable(n.value))})`)
    }
  }
  return { sql: visit(node), params }
}

/** The `where` text of a request as SQL; a query that does not parse is an `invalid_input` error. */
export function runWhere(text: string): RunWhere {
  try {
    return compileRunWhere(parseFilter(text))
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw new LabError('invalid_input', `filter: ${e.message}`, { at: e.at })
    throw e
  }
}
