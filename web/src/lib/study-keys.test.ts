import { describe, expect, it } from 'vitest'
import { studyKey } from './study-keys'

const key = (k: string, o: { ctrlKey?: boolean; inField?: boolean } = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...o,
})

describe('study keyboard shortcuts', () => {
  it('reveals with space or enter, and grades 1–4 only once revealed', () => {
    expect(studyKey(key(' '), false)).toEqual({ kind: 'reveal' })
    expect(studyKey(key('Enter'), false)).toEqual({ kind: 'reveal' })
    expect(studyKey(key('3'), false)).toBeNull()
    expect(['1', '2', '3', '4'].map((k) => studyKey(key(k), true))).toEqual([
      { kind: 'grade', grade: 'again' },
      { kind: 'grade', grade: 'hard' },
      { kind: 'grade', grade: 'good' },
      { kind: 'grade', grade: 'easy' },
    ])
    expect(studyKey(key(' '), true)).toBeNull() // space does not grade
  })

  it('undoes with u and plays audio with p, and leaves fields and modified keys alone', () => {
    expect(studyKey(key('u'), true)).toEqual({ kind: 'undo' })
    expect(studyKey(key('U'), false)).toEqual({ kind: 'undo' })
    expect(studyKey(key('p'), false)).toEqual({ kind: 'play' })
    expect(studyKey(key('1', { inField: true }), true)).toBeNull()
    expect(studyKey(key('u', { ctrlKey: true }), true)).toBeNull()
    expect(studyKey(key('x'), true)).toBeNull()
  })

  it('suspends with s or @, buries with b or -, and flags with f, before or after the answer', () => {
    expect(['s', '@', 'b', '-', 'f'].map((k) => studyKey(key(k), false)?.kind)).toEqual([
      'suspend',
      'suspend',
      'bury',
      'bury',
      'flag',
    ])
    expect(studyKey(key('s'), true)).toEqual({ kind: 'suspend' })
    expect(studyKey(key('b', { inField: true }), true)).toBeNull()
    expect(studyKey(key('f', { ctrlKey: true }), true)).toBeNull()
  })
})
