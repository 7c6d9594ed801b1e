import { describe, expect, it } from 'vitest'
import { typedDiff } from './typed-answer'

const shown = (typed: string, expected: string, ignoreAccents = false) =>
  typedDiff(typed, expected, ignoreAccents).parts.map((p) => `${p.kind}:${p.text}`)

describe('typed answer', () => {
  it('is right whatever the case and surrounding spaces', () => {
    expect(typedDiff('  The House ', 'the house')).toEqual({
      correct: true,
      parts: [{ kind: 'ok', text: 'The House' }],
    })
  })

  it('marks letters typed wrong and left out', () => {
    expect(shown('hose', 'house')).toEqual(['ok:ho', 'missing:u', 'ok:se'])
    expect(shown('huose', 'house')).toEqual(['ok:h', 'missing:o', 'ok:u', 'wrong:o', 'ok:se'])
    expect(shown('cat', 'dog')).toEqual(['missing:dog', 'wrong:cat'])
    expect(typedDiff('', 'dog')).toEqual({
      correct: false,
      parts: [{ kind: 'missing', text: 'dog' }],
    })
  })

  it('counts accents unless told to ignore them, in composed or decomposed form', () => {
    expect(shown('cafe', 'café')).toEqual(['ok:caf', 'missing:é', 'wrong:e'])
    expect(typedDiff('cafe', 'café', true).correct).toBe(true)
    expect(typedDiff('CAFÉ', 'cafe\u0301').correct).toBe(true) // É typed, é written decomposed
    expect(typedDiff('Ελλαδα', 'Ελλάδα', true).correct).toBe(true)
    expect(typedDiff('Muller', 'Müller', true).correct).toBe(true)
  })

  it('compares CJK by character: kana voicing is a letter, not an accent; full-width forms match', () => {
    expect(shown('かっこう', 'がっこう', true)).toEqual(['missing:が', 'wrong:か', 'ok:っこう'])
    expect(typedDiff('学校', '学校').correct).toBe(true)
    expect(shown('学生', '学校')).toEqual(['ok:学', 'missing:校', 'wrong:生'])
    expect(typedDiff('ＡＢＣ　１', 'abc 1').correct).toBe(true)
    expect(shown('한국', '한국어')).toEqual(['ok:한국', 'missing:어'])
    expect(shown('학교', '한교')).toEqual(['missing:한', 'wrong:학', 'ok:교']) // a syllable is one character
  })

  it('compares very long answers position by position', () => {
    const long = 'a'.repeat(1200)
    expect(typedDiff(long, `${long}b`).parts).toEqual([
      { kind: 'ok', text: long },
      { kind: 'missing', text: 'b' },
    ])
  })
})
