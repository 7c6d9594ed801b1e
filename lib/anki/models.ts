import type { NoteFields, NoteType } from '../content/note-types'

type Template = { name: string; qfmt: string; afmt: string }
type Model = { id: number; name: string; cloze: boolean; fields: string[]; templates: Template[] }

const answer = (q: string, a: string) => ({
  qfmt: q,
  afmt: `{{FrontSide}}\n\n<hr id=answer>\n\n${a}`,
})
/**
 * Our note types as Anki's stock note types (names, fields and templates as Anki 2.1 makes them), with fixed
 * ids so a second export of the same type lands on the same note type. `fields` map ours in Anki's order.
 */
export const ANKI_MODELS: Record<NoteType, Model & { ours: string[] }> = {
  basic: {
    id: 1_700_000_019_001,
    name: 'Basic',
    cloze: false,
    fields: ['Front', 'Back'],
    ours: ['front', 'back'],
    templates: [{ name: 'Card 1', ...answer('{{Front}}', '{{Back}}') }],
  },
  reversed: {
    id: 1_700_000_019_002,
    name: 'Basic (and reversed card)',
    cloze: false,
    fields: ['Front', 'Back'],
    ours: ['front', 'back'],
    templates: [
      { name: 'Card 1', ...answer('{{Front}}', '{{Back}}') },
      { name: 'Card 2', ...answer('{{Back}}', '{{Front}}') },
    ],
  },
  'optional-reversed': {
    id: 1_700_000_019_003,
    name: 'Basic (optional reversed card)',
    cloze: false,
    fields: ['Front', 'Back', 'Add Reverse'],
    ours: ['front', 'back', 'addReverse'],
    templates: [
      { name: 'Card 1', ...answer('{{Front}}', '{{Back}}') },
      { name: 'Card 2', ...answer('{{#Add Reverse}}{{Back}}{{/Add Reverse}}', '{{Front}}') },
    ],
  },
  typed: {
    id: 1_700_000_019_004,
    name: 'Basic (type in the answer)',
    cloze: false,
    fields: ['Front', 'Back'],
    ours: ['front', 'back'],
    templates: [
      {
        name: 'Card 1',
        qfmt: '{{Front}}\n\n{{type:Back}}',
        afmt: '{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}',
      },
    ],
  },
  cloze: {
    id: 1_700_000_019_005,
    name: 'Cloze',
    cloze: true,
    fields: ['Text', 'Back Extra'],
    ours: ['text', 'backExtra'],
    templates: [
      { name: 'Cloze', qfmt: '{{cloze:Text}}', afmt: '{{cloze:Text}}<br>\n{{Back Extra}}' },
    ],
  },
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>')

/**
 * A note's fields in Anki's order as HTML (ours are plain text), with its cards' media as Anki references
 * (`<img src>`, `[sound:]`) at the end of the answer-side field (Back, or Back Extra for a cloze).
 */
export function ankiFields(
  type: NoteType,
  fields: NoteFields,
  media: { images: string[]; sounds: string[] },
) {
  const out = ANKI_MODELS[type].ours.map((k) => escapeHtml(fields[k] ?? ''))
  const refs = [
    ...media.images.map((name) => `<img src="${name}">`),
    ...media.sounds.map((name) => `[sound:${name}]`),
  ].join('')
  out[1] += refs
  return out
}

/** A card template as a legacy model's JSON holds it (the browser-appearance keys Anki expects, empty). */
export const legacyTemplate = <T extends object>(t: T, ord: number) => ({
  ...t,
  ord,
  bqfmt: '',
  bafmt: '',
  did: null,
  bfont: '',
  bsize: 0,
})

/** A field as a legacy collection's model JSON holds it, with Anki's defaults. */
export const legacyField = (name: string, ord: number) => ({
  name,
  ord,
  sticky: false,
  rtl: false,
  font: 'Arial',
  size: 20,
  media: [],
})

/** The `models` JSON of a schema-11 collection for these note types. */
export function legacyModels(types: NoteType[], deckId: number, now: number) {
  return Object.fromEntries(
    types.map((type) => {
      const m = ANKI_MODELS[type]
      return [
        String(m.id),
        {
          id: m.id,
          name: m.name,
          type: m.cloze ? 1 : 0,
          mod: now,
          usn: -1,
          sortf: 0,
          did: deckId,
          css: '.card {\n  font-family: arial;\n  font-size: 20px;\n  text-align: center;\n}\n',
          latexPre: '\\documentclass[12pt]{article}\n\\begin{document}\n',
          latexPost: '\\end{document}',
          latexsvg: false,
          tags: [],
          vers: [],
          // Which fields a card needs to exist (Anki reads it for standard types; a cloze's come from the text).
          req: m.cloze
            ? []
            : m.templates.map((_, ord) => [
                ord,
                'any',
                [type === 'optional-reversed' && ord === 1 ? 2 : ord === 1 ? 1 : 0],
              ]),
          flds: m.fields.map(legacyField),
          tmpls: m.templates.map(legacyTemplate),
        },
      ]
    }),
  )
}
