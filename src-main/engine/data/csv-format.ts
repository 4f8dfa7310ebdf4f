/**
 * Reading CSV text (RFC 4180): a header row, then one record per line; fields separated by commas;
 * a field in double quotes may hold commas, line breaks and doubled quotes (`""`). LF or CRLF line
 * ends, an optional UTF-8 byte-order mark, blank lines skipped. Every error is one line that names
 * the file and the line. No TensorFlow here: `validate.ts` reads CSV files through this file.
 */

export interface CsvTable {
  /** Column names of the header row (trimmed). */
  header: string[]
  /** Records after the header, each with exactly `header.length` fields. */
  rows: string[][]
  /** The 1-based line of the file where each record starts (for error messages). */
  lines: number[]
}

/** Parses CSV text; `name` (the file as the user wrote it) goes into every error message. */
export function parseCsv(text: string, name: string): CsvTable {
  const records: { fields: string[]; line: number }[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let fieldStarted = false
  let line = 1
  let recordLine = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endRecord = (): void => {
    fields.push(field)
    // A line with nothing on it is skipped, not read as a record with one empty field.
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ fields, line: recordLine })
    fields = []
    field = ''
    fieldStarted = false
  }
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else {
        if (c === '\n') line++
        field += c
      }
      continue
    }
    if (c === '"') {
      if (field.trim() !== '') throw new Error(`${name}, line ${line}: a quote inside an unquoted field (quote the whole field and double inner quotes)`)
      field = ''
      quoted = true
      fieldStarted = true
    } else if (c === ',') {
      fields.push(field)
      field = ''
      fieldStarted = true
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRecord()
      line++
      recordLine = line
    } else {
      field += c
      fieldStarted = true
    }
  }
  if (quoted) throw new Error(`${name}, line ${recordLine}: a quoted field is not closed before the end of the file`)
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord()
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
