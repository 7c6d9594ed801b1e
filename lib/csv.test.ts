import { describe, expect, it } from 'vitest'
import { parseCsv, toCsv } from './csv'

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF or LF, and a BOM', () => {
    expect(parseCsv('\uFEFFfront,back\r\n"a, b","say ""hi"""\n"two\nlines",x\n\n')).toEqual([
      ['front', 'back'],
      ['a, b', 'say "hi"'],
      ['two\nlines', 'x'],
    ])
  })

  it('refuses an unclosed quote', () => {
    expect(() => parseCsv('front\n"open')).toThrow(/not closed/)
  })

  it('writes what it reads back unchanged, and defuses formulas only when asked', () => {
    const rows = [['-er', '=SUM(A1)', 'a "b", c']]
    expect(parseCsv(toCsv(['x', 'y', 'z'], rows)).slice(1)).toEqual(rows)
    expect(toCsv(['x'], [['=1+1']], { defuse: true })).toBe(`x\r\n"'=1+1"\r\n`)
  })
})
