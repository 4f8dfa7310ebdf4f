/**
 * Reading CSV text (RFC 4180) with csv-parse: a header row, then one record per line; fields
 * separated by commas; a field in double quotes may hold commas, line breaks and doubled quotes
 * (`""`). LF, CRLF or CR line ends (mixed too), an optional UTF-8 byte-order mark, blank lines
 * skipped. Every error is one line that names the file, the line where the record starts and,
 * for a quoting error, the column (the field's number). No TensorFlow here: `validate.ts` reads
 * CSV files through this file.
 */
import { CsvError } from 'csv-parse'
import { parse } from 'csv-parse/sync'

export interface CsvTable {
  /** Column names of the header row (trimmed). */
  header: string[]
  /** Records after the header, each with exactly `header.length` fields. */
  rows: string[][]
  /** The 1-based line of the file where each record starts (for error messages). */
  lines: number[]
}

/** The 1-based line of each byte offset in `bytes`: a line ends at LF, CRLF or a lone CR. */
function lineOfOffset(bytes: Uint8Array): (offset: number) => number {
  const starts = [0]
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) starts.push(i + 1)
  }
  return (offset) => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= offset) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }
}

/** What went wrong, in the lab's words, for csv-parse's quoting errors (others as it says). */
function quotingProblem(e: CsvError): string {
  const column = `column ${(typeof e.column === 'number' ? e.column : 0) + 1}`
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return `a quoted field is not closed before the end of the file (it opens in ${column})`
  }
  if (e.code === 'INVALID_OPENING_QUOTE') {
    return `a quote inside an unquoted field in ${column} (quote the whole field and double inner quotes)`
  }
  if (e.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return `text after the closing quote of the field in ${column} (quote the whole field and double inner quotes)`
  }
  return `${column}: ${e.message}`
}

/** Parses CSV text; `name` (the file as the user wrote it) goes into every error message. */
export function parseCsv(source: string | Uint8Array, name: string): CsvTable {
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source
  const lineOf = lineOfOffset(bytes)
  // csv-parse counts a line break inside a quoted field its own way, so lines come from offsets:
  // a record starts where the previous one ended, after the blank lines it skipped.
  let end = 0
  const startLine = (): number => {
    let at = end
    while (bytes[at] === 0x0a || bytes[at] === 0x0d) at++
    return lineOf(at)
  }
  const records: { fields: string[]; line: number }[] = []
  try {
    parse(bytes, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (fields: string[], info) => {
        records.push({ fields, line: startLine() })
        end = info.bytes
        return null
      },
    })
  } catch (e) {
    if (!(e instanceof CsvError)) throw e
    throw new Error(`${name}, line ${startLine()}: ${quotingProblem(e)}`)
  }
  if (records.length === 0) throw new Error(`${name}: the file is empty (a header row is needed)`)
  const header = records[0].fields.map((h) => h.trim())
  const seen = new Set<string>()
  header.forEach((h, col) => {
    if (h === '') throw new Error(`${name}, line ${records[0].line}: column ${col + 1} of the header has no name`)
    if (seen.has(h)) throw new Error(`${name}, line ${records[0].line}: the header names column '${h}' twice`)
    seen.add(h)
  })
  const rows: string[][] = []
  const lines: number[] = []
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) {
      throw new Error(`${name}, line ${r.line}: ${r.fields.length} fields, but the header has ${header.length}`)
    }
    rows.push(r.fields)
    lines.push(r.line)
  }
  return { header, rows, lines }
}

/** A numeric cell as a finite number, or null (empty, text, NaN, Infinity). */
export function numericCell(cell: string): number | null {
  const t = cell.trim()
  if (t === '') return null
  const v = Number(t)
  return Number.isFinite(v) ? v : null
}
