import type { Grade } from './api'

export type StudyKeyAction =
  | { kind: 'reveal' }
  | { kind: 'grade'; grade: Grade }
  | { kind: 'undo' }
  | { kind: 'play' }
  | { kind: 'suspend' }
  | { kind: 'bury' }
  | { kind: 'flag' }

const GRADES: Record<string, Grade> = { '1': 'again', '2': 'hard', '3': 'good', '4': 'easy' }

// Anki's keys for suspend (@) and bury (-) work too.
const CARD_KEYS: Record<string, 'suspend' | 'bury' | 'flag'> = {
  s: 'suspend',
  '@': 'suspend',
  b: 'bury',
  '-': 'bury',
  f: 'flag',
}

/**
 * Study shortcuts: space or enter reveals, 1–4 grade once revealed, u undoes, p plays the audio, s suspends,
 * b buries until tomorrow, f moves the card's flag to the next colour. Keys typed into a field and keys with
 * modifiers (other than the shift that types @) belong to someone else.
 */
export function studyKey(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'> & { inField?: boolean },
  revealed: boolean,
): StudyKeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.inField) return null
  if (!revealed && (e.key === ' ' || e.key === 'Enter')) return { kind: 'reveal' }
  if (revealed && e.key in GRADES) return { kind: 'grade', grade: GRADES[e.key] }
  if (e.key === 'u' || e.key === 'U') return { kind: 'undo' }
  if (e.key === 'p' || e.key === 'P') return { kind: 'play' }
  if (e.key in CARD_KEYS) return { kind: CARD_KEYS[e.key] }
  return null
}
