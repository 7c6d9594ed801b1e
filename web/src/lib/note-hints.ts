import type { NoteType } from './api'

/** What each note type makes, said where the learner picks it. */
export const NOTE_HINTS: Record<NoteType, string> = {
  basic: 'One card: front → back.',
  reversed: 'Two cards: front → back and back → front, never on the same day.',
  'optional-reversed': 'Front → back, and back → front only when you tick the box.',
  typed: 'You type the back when studying; the app shows what differs, then you grade.',
  cloze: 'Hide parts of the text: {{c1::answer}} or {{c1::answer::hint}}. One card per number.',
}
