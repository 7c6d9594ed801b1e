// RFC 4180 CSV: quoted fields, "" for a quote inside, commas and newlines inside quotes, CRLF or LF.

export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const src = text.replace(/^\uFEFF/, '') // a BOM from spreadsheet exports
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += ch
  }
  if (quoted) throw new Error('a quoted field is not closed')
  if (field !== '' || row.length) rows.push([...row, field])
  return rows.filter((r) => r.some((f) => f.trim() !== ''))
}

// Quoted when needed. `defuse`: a leading = + - @ gets an apostrophe so a spreadsheet never runs it as a
// formula (for reports with other people's text; a learner's own export keeps its text exact).
const cell = (v: string, defuse: boolean) => {
  const safe = defuse && /^[=+\-@]/.test(v) && !/^-?\d+$/.test(v) ? `'${v}` : v
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export const toCsv = (header: string[], rows: string[][], o: { defuse?: boolean } = {}) =>
  [header, ...rows].map((r) => r.map((v) => cell(v, o.defuse ?? false)).join(',')).join('\r\n') +
  '\r\n'
