/**
 * Structured filters on runs (issue 18 item 13): `test.accuracy > 0.97`,
 * `method.criterion in taylor,l1`, `status = finished and (seed = 0 or tag = keep)`.
 *
 * Grammar (keywords are case-insensitive):
 *   query      := or
 *   or         := and ( 'or' and )*
 *   and        := unary ( 'and' unary )*
 *   unary      := 'not' unary | '(' or ')' | comparison
 *   comparison := KEY op value | KEY 'not'? 'in' list
 *   op         := '=' | '==' | '!=' | '>' | '>=' | '<' | '<=' | '~'   ('~': contains, any case)
 *   list       := value ( ',' value )*  |  '(' list ')'  |  '[' list ']'
 *   value      := number ('%' divides by 100) | true | false | word | 'quoted' | "quoted"
 *
 * A KEY is a run field (`RUN_FILTER_FIELDS`), a result (`test.accuracy`) or a parameter
 * (`method.criterion`). The window parses it to tell a query from plain text and to say what is
 * wrong; the lab parses the same text (`runs.list`'s `where`) and runs it as SQL. Pure: no Node or
 * DOM imports.
 */

export type FilterValue = string | number | boolean
export type CompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~'

export type FilterNode =
  | { kind: 'compare'; key: string; op: CompareOp; value: FilterValue }
  | { kind: 'in'; key: string; values: FilterValue[]; negate: boolean }
  | { kind: 'and' | 'or'; parts: FilterNode[] }
  | { kind: 'not'; part: FilterNode }

/** Keys that are a run's own fields rather than a result or a parameter. */
export const RUN_FILTER_FIELDS = ['id', 'experiment', 'label', 'role', 'method', 'seed', 'status', 'tag'] as const
export type RunFilterField = (typeof RUN_FILTER_FIELDS)[number]

export function isRunFilterField(key: string): key is RunFilterField {
  return (RUN_FILTER_FIELDS as readonly string[]).includes(key)
}

/** What is wrong with a query, and where (a character offset into the text). */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message)
    this.name = 'FilterSyntaxError'
  }
}

type TokenKind = 'key' | 'op' | 'number' | 'string' | 'punct' | 'end'
interface Token {
  kind: TokenKind
  text: string
  at: number
  /** For numbers: the value (a trailing % already divided by 100). */
  value?: number
}

const KEY = /[A-Za-z_][\w.-]*/y
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?(%?)/iy
const OPERATOR = /==|!=|>=|<=|[=<>~]/y
const WORD = /[^\s(),[\]=<>!~'"]+/y
const KEY_SHAPE = /^[A-Za-z_][\w.-]*$/

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const at = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = i
    return re.exec(text)
  }
  while (i < text.length) {
    const c = text[i]
    if (/\s/.test(c)) {
      i++
      continue
    }
    if ('(),[]'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, at: i++ })
      continue
    }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1)
      if (close < 0) throw new FilterSyntaxError(`the quote opened at character ${i + 1} is not closed`, i)
      tokens.push({ kind: 'string', text: text.slice(i + 1, close), at: i })
      i = close + 1
      continue
    }
    const op = at(OPERATOR)
    if (op) {
      tokens.push({ kind: 'op', text: op[0] === '==' ? '=' : op[0], at: i })
      i += op[0].length
      continue
    }
    const num = at(NUMBER)
    // A number is a number only when it ends there (`1e-3`, `97%`; `8x` is a word).
    if (num && !/[\w.-]/.test(text[i + num[0].length] ?? '')) {
      const value = Number(num[0].replace('%', '')) / (num[1] ? 100 : 1)
      tokens.push({ kind: 'number', text: num[0], at: i, value })
      i += num[0].length
      continue
    }
    const key = at(KEY)
    if (key) {
      tokens.push({ kind: 'key', text: key[0], at: i })
      i += key[0].length
      continue
    }
    // Any other run of characters is a bare value (`8x`, `2-4`).
    const word = at(WORD)
    if (!word) throw new FilterSyntaxError(`unexpected '${c}' (character ${i + 1})`, i)
    tokens.push({ kind: 'string', text: word[0], at: i })
    i += word[0].length
  }
  tokens.push({ kind: 'end', text: '', at: text.length })
  return tokens
}

const isWord = (t: Token, word: string): boolean => t.kind === 'key' && t.text.toLowerCase() === word

/** Nesting a person writes stays far below this; SQLite's expression depth is 1000. */
const MAX_DEPTH = 32

class Parser {
  private i = 0
  private depth = 0
  constructor(private readonly tokens: Token[]) {}

  private get next(): Token {
    return this.tokens[this.i]
  }

  private take(): Token {
    return this.tokens[this.i++]
  }

  private expectPunct(text: string): void {
    const t = this.take()
    if (t.kind !== 'punct' || t.text !== text) throw new FilterSyntaxError(`expected '${text}' ${where(t)}`, t.at)
  }

  query(): FilterNode {
    const node = this.or()
    const t = this.next
    if (t.kind !== 'end') throw new FilterSyntaxError(`expected 'and', 'or' or the end ${where(t)}`, t.at)
    return node
  }

  private or(): FilterNode {
    return this.chain('or', () => this.and())
  }

  private and(): FilterNode {
    return this.chain('and', () => this.unary())
  }

  /** `part ( word part )*`, one node when there is one part. */
  private chain(word: 'and' | 'or', part: () => FilterNode): FilterNode {
    const parts = [part()]
    while (isWord(this.next, word)) {
      this.take()
      parts.push(part())
    }
    return parts.length === 1 ? parts[0] : { kind: word, parts }
  }

  private unary(): FilterNode {
    const t = this.next
    const nested = isWord(t, 'not') || (t.kind === 'punct' && t.text === '(')
    if (nested && ++this.depth > MAX_DEPTH) throw new FilterSyntaxError(`more than ${MAX_DEPTH} nested 'not' or parentheses ${where(t)}`, t.at)
    let node: FilterNode
    if (isWord(t, 'not')) {
      this.take()
      node = { kind: 'not', part: this.unary() }
    } else if (nested) {
      this.take()
      node = this.or()
      this.expectPunct(')')
    } else return this.comparison()
    this.depth--
    return node
  }

  private comparison(): FilterNode {
    const keyToken = this.take()
    if (keyToken.kind !== 'key' || !KEY_SHAPE.test(keyToken.text)) {
      throw new FilterSyntaxError(`expected a parameter, result or field name ${where(keyToken)}`, keyToken.at)
    }
    const key = keyToken.text
    let negate = false
    if (isWord(this.next, 'not')) {
      this.take()
      negate = true
      if (!isWord(this.next, 'in')) throw new FilterSyntaxError(`expected 'in' after '${key} not' ${where(this.next)}`, this.next.at)
    }
    if (isWord(this.next, 'in')) {
      this.take()
      return { kind: 'in', key, values: this.list(), negate }
    }
    const op = this.take()
    if (op.kind !== 'op') throw new FilterSyntaxError(`expected an operator (= != > >= < <= ~ in) after '${key}' ${where(op)}`, op.at)
    return { kind: 'compare', key, op: op.text as CompareOp, value: this.value(`'${key} ${op.text}'`) }
  }

  private list(): FilterValue[] {
    const open = this.next
    const close = open.kind === 'punct' ? { '(': ')', '[': ']' }[open.text] : undefined
    if (close) this.take()
    const values = [this.value("'in'")]
    while (this.next.kind === 'punct' && this.next.text === ',') {
      this.take()
      values.push(this.value("','"))
    }
    if (close) this.expectPunct(close)
    return values
  }

  private value(after: string): FilterValue {
    const t = this.take()
    if (t.kind === 'number') return t.value!
    if (t.kind === 'string') return t.text
    if (t.kind === 'key') {
      const word = t.text.toLowerCase()
      if (word === 'true' || word === 'false') return word === 'true'
      if (word === 'and' || word === 'or') throw new FilterSyntaxError(`expected a value after ${after} ${where(t)}`, t.at)
      return t.text
    }
    throw new FilterSyntaxError(`expected a value after ${after} ${where(t)}`, t.at)
  }
}

function where(t: Token): string {
  return t.kind === 'end' ? 'at the end' : `at '${t.text}' (character ${t.at + 1})`
}

/** The query in `text`; throws a `FilterSyntaxError` saying what is wrong and where. */
export function parseFilter(text: string): FilterNode {
  return new Parser(tokenize(text)).query()
}

/**
 * True when the text is meant as a query rather than words to look for: it has a comparison
 * operator, or ` in ` between two words. Plain text (`seed 3`, `sweep-42`) is not.
 */
export function looksLikeQuery(text: string): boolean {
  return /[<>=!~]/.test(text) || /\S\s+(not\s+)?in\s+\S/i.test(text)
}

/** Every key the query names, once each, in order. */
export function filterKeys(node: FilterNode): string[] {
  const keys = new Set<string>()
  const visit = (n: FilterNode): void => {
    if (n.kind === 'compare' || n.kind === 'in') keys.add(n.key)
    else if (n.kind === 'not') visit(n.part)
    else n.parts.forEach(visit)
  }
  visit(node)
  return [...keys]
}
