import type { Grade } from './api'

export type StudyKeyAction =
  { kind: 'reveal' } | { kind: 'grade'; grade: Grade } | { kind: 'undo' } | { kind: 'play' }

const GRADES: Record<string, Grade> = { '1': 'again', '2': 'hard', '3': 'good', '4': 'easy' }

/**
 * Study shortcuts: space or enter reveals, 1–4 grade once revealed, u undoes, p plays the audio. Keys typed
 * into a field and keys with modifiers belong to someone else.
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
  return null
}
