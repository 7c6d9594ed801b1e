import { z } from 'zod'
import { Lang } from '../ai/operations'
import { CEFR_LEVELS } from './levels'
import { AudioKey, ImageKey } from './media'
import { Text } from '../validate'
import { cached } from '../cached'

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
  return { card, patch, add }
}

const built = new WeakMap<CardLimits, ReturnType<typeof buildCardSchemas>>()
/** The card schemas for these limits, made once per config. */
export function cardSchemas(limits: CardLimits) {
  return cached(built, limits, () => buildCardSchemas(limits))
}
/** A deck's options, as the database CHECKs them (migrations 0005 and 0018). */
export const DeckOptionsBody = z.object({
  newPerDay: z.number().int().min(0).max(9999),
  reviewsPerDay: z.number().int().min(0).max(99999),
  desiredRetention: z.number().min(0.7).max(0.99),
  maximumInterval: z.number().int().min(1).max(36500),
  leechThreshold: z.number().int().min(1).max(99),
  leechAction: z.enum(['suspend', 'tag']),
  autoplay: z.boolean(),
})
export const DeckBody = DeckOptionsBody.partial().extend({
  name: Text.trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  description: Text.max(2000).optional(),
  sourceLang: Lang,
  targetLang: Lang,
  presetId: z.uuid().nullable().optional(),
})
export const PresetBody = DeckOptionsBody.partial().extend({
  name: Text.trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
})
export const IdParam = z.object({ id: z.uuid() })
