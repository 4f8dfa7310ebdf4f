/**
 * Renders a result table as CSV (RFC 4180), a Markdown pipe table, a LaTeX tabular or JSON.
 * Pure functions. CSV and JSON keep every digit (they are for further processing); Markdown and
 * LaTeX are for reading, so non-integers are shown with 4 significant digits.
 */
import type { ExportFormat } from '../../../src-shared/contract'
import { readableNumber } from '../../../src-shared/metrics'
import type { ResultTable } from '../../../src-shared/types'

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

/** A column whose every non-empty cell is a number (right-aligned in md/latex). */
function numericColumns(table: ResultTable): boolean[] {
  return table.columns.map((c) => {
    const values = table.rows.map((r) => r[c.key]).filter((v) => v !== null && v !== undefined)
    return values.length > 0 && values.every((v) => typeof v === 'number')
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

/** Escapes the ten characters LaTeX treats specially, in one pass (so `\` is not escaped twice). */
export function latexEscape(text: string): string {
  return text.replace(/[\\&%$#_{}~^]/g, (c) => LATEX_SPECIAL[c]).replace(/\r?\n/g, ' ')
}

function latexText(value: Cell): string {
  if (value === null) return ''
  return latexEscape(typeof value === 'number' ? readableNumber(value) : value)
}

/** A plain `tabular` (no packages needed); numeric columns right-aligned. */
export function toLatex(table: ResultTable): string {
  const spec = numericColumns(table)
    .map((n) => (n ? 'r' : 'l'))
    .join('')
  const row = (values: string[]): string => `${values.join(' & ')} \\\\`
  const lines = [
    `\\begin{tabular}{${spec}}`,
    '\\hline',
    row(table.columns.map((c) => latexText(c.label))),
    '\\hline',
    ...table.rows.map((r) => row(cells(table, r).map(latexText))),
    '\\hline',
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
      return toMarkdown(table)
    case 'latex':
      return toLatex(table)
    case 'json':
      return toJson(table)
  }
}
