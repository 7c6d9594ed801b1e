import { z } from 'zod'
import { Lang } from '../ai/operations'
import { CEFR_LEVELS } from './levels'
import { AudioKey, ImageKey } from './media'
import { clozeNumbers, MAX_CLOZE } from './cloze'
import { NOTE_TYPE_IDS, type NoteFields, type NoteType } from './note-types'
import { Text } from '../validate'
import { cached } from '../cached'
import { DECK_NAME_MAX } from './limits'

// Field limits that protect the service, with messages a learner can act on. Text, not z.string(): these
// fields also arrive as CSV cells, which the edge's JSON check never sees.
export const Tag = Text.trim()
  .min(1)
  .max(40)
  .regex(/^[^\s,]+$/, 'must be one word without commas')

/** The limits a deployment sets for cards (CONTENT_MAX_* in the backend's config). */
export type CardLimits = {
  CONTENT_MAX_FRONT_CHARS: number
  CONTENT_MAX_BACK_CHARS: number
  CONTENT_MAX_NOTES_CHARS: number
  CONTENT_MAX_TAGS_PER_CARD: number
  CONTENT_MAX_BULK: number
}
/** Examples accumulate (each AI run adds its level's), up to this many per card. */
export const MAX_EXAMPLES = 30
export const Level = z.enum(CEFR_LEVELS)
const Example = z.object({
  sentence: Text.min(1).max(500),
  translation: Text.max(500),
  level: Level.optional(),
})
const chars = (n: number) => `must be at most ${n} characters`

function buildCardSchemas(l: CardLimits) {
  const card = z.object({
    front: Text.trim()
      .min(1, 'is required')
      .max(l.CONTENT_MAX_FRONT_CHARS, chars(l.CONTENT_MAX_FRONT_CHARS)),
    back: Text.max(l.CONTENT_MAX_BACK_CHARS, chars(l.CONTENT_MAX_BACK_CHARS)).optional(),
    notes: Text.max(l.CONTENT_MAX_NOTES_CHARS, chars(l.CONTENT_MAX_NOTES_CHARS)).optional(),
    examples: z.array(Example).max(MAX_EXAMPLES, `at most ${MAX_EXAMPLES} examples`).optional(),
    tags: z
      .array(Tag)
      .max(l.CONTENT_MAX_TAGS_PER_CARD, `at most ${l.CONTENT_MAX_TAGS_PER_CARD} tags`)
      .optional(),
  })
  const many = z.object({
    cards: z
      .array(card)
      .min(1)
      .max(l.CONTENT_MAX_BULK, `at most ${l.CONTENT_MAX_BULK} cards at once`),
  })
  // One card, or { cards: [...] }: the body's shape picks the schema, so errors name the fields (a union's would not).
  const add = z.unknown().transform((body, ctx): z.output<typeof card> | z.output<typeof many> => {
    const parsed = (body && typeof body === 'object' && 'cards' in body ? many : card).safeParse(
      body,
    )
    if (parsed.success) return parsed.data
    for (const i of parsed.error.issues)
      ctx.addIssue({ code: 'custom', message: i.message, path: i.path, input: body })
    return z.NEVER
  })
  // Media keys come from AI answers and uploads: a PATCH may take a proposed one or remove one (null).
  const patch = card
    .partial()
    .extend({ imageKey: ImageKey.nullable().optional(), audioKey: AudioKey.nullable().optional() })
  const front = card.shape.front
  const back = Text.max(l.CONTENT_MAX_BACK_CHARS, chars(l.CONTENT_MAX_BACK_CHARS))
  // A reversed card shows the back as its front, so there the back must also fit a front.
  const turns = Math.min(l.CONTENT_MAX_FRONT_CHARS, l.CONTENT_MAX_BACK_CHARS)
  const turning = Text.max(turns, chars(turns))
  const clozeText = Text.max(l.CONTENT_MAX_FRONT_CHARS, chars(l.CONTENT_MAX_FRONT_CHARS))
    .refine(
      (t) => clozeNumbers(t).length > 0,
      'needs at least one cloze deletion, like {{c1::answer}} or {{c1::answer::hint}}',
    )
    .refine(
      (t) => clozeNumbers(t).every((n) => n >= 1 && n <= MAX_CLOZE),
      `cloze numbers go from c1 to c${MAX_CLOZE}`,
    )
  const fields = {
    basic: z.strictObject({ front, back: back.default('') }),
    reversed: z.strictObject({ front: front.max(turns, chars(turns)), back: turning.default('') }),
    'optional-reversed': z.strictObject({
      front: front.max(turns, chars(turns)),
      back: turning.default(''),
      addReverse: Text.max(20, chars(20)).default(''),
    }),
    typed: z.strictObject({ front, back: back.trim().min(1, 'is required: the answer to type') }),
    cloze: z.strictObject({ text: clozeText, backExtra: back.default('') }),
  } satisfies Record<NoteType, z.ZodType>
  const extras = { tags: card.shape.tags }
  // The type picks the fields' schema, so errors name the field of that type that needs a change.
  const note = z.discriminatedUnion(
    'type',
    NOTE_TYPE_IDS.map((type) =>
      z.object({ type: z.literal(type), fields: fields[type], ...extras, notes: card.shape.notes }),
    ) as unknown as [
      z.ZodObject<{
        type: z.ZodLiteral<NoteType>
        fields: z.ZodType<NoteFields>
        tags: typeof extras.tags
        notes: typeof card.shape.notes
      }>,
    ],
  )
  const notePatch = z.object({
    fields: z.record(z.string().max(40), Text).optional(),
    ...extras,
    removeEmptyCards: z.boolean().default(false),
  })
  return { card, patch, add, fields, note, notePatch }
}

const built = new WeakMap<CardLimits, ReturnType<typeof buildCardSchemas>>()
/** The card schemas for these limits, made once per config. */
export function cardSchemas(limits: CardLimits) {
  return cached(built, limits, () => buildCardSchemas(limits))
}
/** A deck's options, as the database CHECKs them (migrations 0005, 0017 and 0018). */
export const DeckOptionsBody = z.object({
  newPerDay: z.number().int().min(0).max(9999),
  reviewsPerDay: z.number().int().min(0).max(99999),
  desiredRetention: z.number().min(0.7).max(0.99),
  maximumInterval: z.number().int().min(1).max(36500),
  leechThreshold: z.number().int().min(1).max(99),
  leechAction: z.enum(['suspend', 'tag']),
  autoplay: z.boolean(),
  burySiblings: z.boolean(),
})
export const DeckBody = DeckOptionsBody.partial().extend({
  name: Text.trim()
    .min(1, 'is required')
    .max(DECK_NAME_MAX, `must be at most ${DECK_NAME_MAX} characters`),
  description: Text.max(2000).optional(),
  sourceLang: Lang,
  targetLang: Lang,
  presetId: z.uuid().nullable().optional(),
})
export const PresetBody = DeckOptionsBody.partial().extend({
  name: Text.trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
})
export const IdParam = z.object({ id: z.uuid() })
