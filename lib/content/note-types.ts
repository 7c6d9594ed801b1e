import { clozeFaces, clozeNumbers } from './cloze'

/**
 * The note types, as Anki's stock ones: each names its fields and makes its cards from them. A card exists
 * only when its front would show something (Anki's rule): an empty back makes no reverse card.
 * ord 0 asks front → back, ord 1 back → front, a cloze card's ord is its cloze number.
 */
export const NOTE_TYPES = {
  basic: { name: 'Basic', fields: ['front', 'back'] },
  reversed: { name: 'Basic and reversed card', fields: ['front', 'back'] },
  'optional-reversed': {
    name: 'Basic and optional reversed card',
    fields: ['front', 'back', 'addReverse'],
  },
  typed: { name: 'Basic (type in the answer)', fields: ['front', 'back'] },
  cloze: { name: 'Cloze', fields: ['text', 'backExtra'] },
} as const
export type NoteType = keyof typeof NOTE_TYPES
export const NOTE_TYPE_IDS = Object.keys(NOTE_TYPES) as [NoteType, ...NoteType[]]
export type NoteFields = Record<string, string>

export type CardFace = { ord: number; front: string; back: string }

const filled = (s: string | undefined) => !!s && s.trim() !== ''

/** The cards a note of this type makes from these fields. */
export function cardsOf(type: NoteType, f: NoteFields): CardFace[] {
  const forward = { ord: 0, front: f.front ?? '', back: f.back ?? '' }
  const reverse = { ord: 1, front: f.back ?? '', back: f.front ?? '' }
  switch (type) {
    case 'basic':
    case 'typed':
      return [forward]
    case 'reversed':
      return filled(f.back) ? [forward, reverse] : [forward]
    case 'optional-reversed':
      return filled(f.back) && filled(f.addReverse) ? [forward, reverse] : [forward]
    case 'cloze':
      return clozeNumbers(f.text ?? '').map((n) => ({ ord: n, ...clozeFaces(f.text ?? '', n) }))
  }
}

/** What a card's front and back edit means for its note's fields (null: that card's text is not a field). */
export function fieldsOfFaces(
  type: NoteType,
  ord: number,
  c: { front?: string; back?: string },
): NoteFields | null {
  if (type === 'cloze') return null
  const [front, back] = ord === 1 ? [c.back, c.front] : [c.front, c.back]
  return Object.fromEntries(
    Object.entries({ front, back }).filter(([, v]) => v !== undefined),
  ) as NoteFields
}

const isCloze = (t: NoteType) => t === 'cloze'

/**
 * A note's fields for another type, by position as Anki maps them: front ↔ text, back ↔ back extra. A cloze
 * text becomes a plain front with its deletions answered; a front becomes a cloze text as written (it needs a
 * deletion to make a card). Going to "optional reversed" from "reversed" keeps the reverse card.
 */
export function fieldsForType(from: NoteType, to: NoteType, f: NoteFields): NoteFields {
  const front = isCloze(from) ? clozeFaces(f.text ?? '', 0).back : (f.front ?? '')
  const back = (isCloze(from) ? f.backExtra : f.back) ?? ''
  if (isCloze(to)) return { text: front, backExtra: back }
  if (to !== 'optional-reversed') return { front, back }
  return { front, back, addReverse: from === 'reversed' ? 'y' : (f.addReverse ?? '') }
}

/** Which card of the new type a card of the old one becomes (null: none): the first card stays the first. */
export function ordForType(from: NoteType, to: NoteType, ord: number): number | null {
  if (isCloze(from) === isCloze(to)) return ord
  if (isCloze(from)) return ord === 1 ? 0 : null
  return ord === 0 ? 1 : null
}
