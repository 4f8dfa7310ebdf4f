/**
 * Renders a result table as CSV (RFC 4180), a Markdown pipe table, a LaTeX tabular (booktabs) or
 * JSON. Pure functions. CSV and JSON keep every digit (they are for further processing); Markdown
 * and LaTeX are for reading: non-integers with 4 significant digits, and a table of statistics
 * over seeds (`<metric>:mean`, `:std`, `:ci_low`… columns, the pivot's) read as `72.55 ± 0.35`
 * cells with the unit in the header (`stat-table.ts`), as the window shows them.
 */
import type { ExportFormat } from '../../../src-shared/contract'
import { readableNumber } from '../../../src-shared/metrics'
import type { ResultTable } from '../../../src-shared/types'
import { readableStatistics } from './stat-table'

type Cell = string | number | null

export const EXPORT_MIME: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv',
  md: 'text/markdown',
  latex: 'application/x-latex',
  json: 'application/json',
}

export const EXPORT_EXTENSION: Readonly<Record<ExportFormat, string>> = {
  csv: 'csv',
  md: 'md',
  latex: 'tex',
  json: 'json',
}

function cells(table: ResultTable, row: Record<string, Cell>): Cell[] {
  return table.columns.map((c) => row[c.key] ?? null)
}

/** A number as text: `72.55`, `+0.35`, `72.55 ± 0.35`, `[−0.31, +1.15]`, `61,706`. */
const NUMBER_TEXT = /^(\[)?[+−-]?[\d,.]+(( ± |, )[+−-]?[\d,.]+)?(\])?( n\.s\.)?$/

/** A column whose every non-empty cell is a number, or reads as one (right-aligned in md/latex). */
function numericColumns(table: ResultTable): boolean[] {
  return table.columns.map((c) => {
    const values = table.rows.map((r) => r[c.key]).filter((v) => v !== null && v !== undefined)
    return values.length > 0 && values.every((v) => typeof v === 'number' || NUMBER_TEXT.test(v))
  })
}

function csvField(value: Cell): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** RFC 4180: CRLF line ends, fields with `,` `"` CR or LF quoted, quotes doubled. */
export function toCsv(table: ResultTable): string {
  const lines = [
    table.columns.map((c) => csvField(c.label)),
    ...table.rows.map((r) => cells(table, r).map(csvField)),
  ]
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n'
}

function mdText(value: Cell): string {
  if (value === null) return ''
  const text = typeof value === 'number' ? readableNumber(value) : value
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

/** A GitHub-flavoured Markdown pipe table; numeric columns right-aligned. */
export function toMarkdown(table: ResultTable): string {
  const numeric = numericColumns(table)
  const row = (values: string[]): string => `| ${values.join(' | ')} |`
  const lines = [
    row(table.columns.map((c) => mdText(c.label))),
    row(numeric.map((n) => (n ? '---:' : '---'))),
    ...table.rows.map((r) => row(cells(table, r).map(mdText))),
  ]
  return lines.join('\n') + '\n'
}

const LATEX_SPECIAL: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
}

/** Characters of the lab's number format that LaTeX typesets in math mode. */
const LATEX_MATH: Readonly<Record<string, string>> = { '±': '$\\pm$', '−': '$-$', '×': '$\\times$', 'Δ': '$\\Delta$' }

/**
 * Escapes the ten characters LaTeX treats specially, in one pass (so `\` is not escaped twice),
 * and writes ±, −, × and Δ as math.
 */
export function latexEscape(text: string): string {
  return text
    .replace(/[\\&%$#_{}~^±−×Δ]/g, (c) => LATEX_SPECIAL[c] ?? LATEX_MATH[c])
    .replace(/\r?\n/g, ' ')
}

function latexText(value: Cell): string {
  if (value === null) return ''
  return latexEscape(typeof value === 'number' ? readableNumber(value) : value)
}

/** A `tabular` with booktabs rules (`\\usepackage{booktabs}`); numeric columns right-aligned. */
export function toLatex(table: ResultTable): string {
  const spec = numericColumns(table)
    .map((n) => (n ? 'r' : 'l'))
    .join('')
  const row = (values: string[]): string => `${values.join(' & ')} \\\\`
  const lines = [
    '% needs \\usepackage{booktabs}',
    `\\begin{tabular}{${spec}}`,
    '\\toprule',
    row(table.columns.map((c) => latexText(c.label))),
    '\\midrule',
    ...table.rows.map((r) => row(cells(table, r).map(latexText))),
    '\\bottomrule',
    '\\end{tabular}',
  ]
  return lines.join('\n') + '\n'
}

/** `{ columns, rows }` with each row's keys in column order. */
export function toJson(table: ResultTable): string {
  const rows = table.rows.map((r) =>
    Object.fromEntries(table.columns.map((c) => [c.key, r[c.key] ?? null])),
  )
  return JSON.stringify({ columns: table.columns, rows }, null, 2) + '\n'
}

/** Renders `table` in one of the export formats. */
export function renderTable(table: ResultTable, format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return toCsv(table)
    case 'md':
      return toMarkdown(readableStatistics(table))
    case 'latex':
      return toLatex(readableStatistics(table))
    case 'json':
      return toJson(table)
  }
}
