import { describe, expect, it } from 'vitest'
import { attachment } from './attachment'

describe('attachment', () => {
  it('names the download after a deck, its non-ASCII name kept in filename*', () => {
    expect(attachment('Wörter::Verben.apkg')).toBe(
      `attachment; filename="W_rter__Verben.apkg"; filename*=UTF-8''W%C3%B6rter__Verben.apkg`,
    )
  })
  it('lets no quote, path or control character through', () => {
    expect(attachment('../a"b\\c\u0007.csv')).toBe(
      `attachment; filename=".._a_b_c_.csv"; filename*=UTF-8''.._a_b_c_.csv`,
    )
    expect(attachment('  ')).toBe(`attachment; filename="download"; filename*=UTF-8''download`)
  })
})
