import type { Card, CardChange, Example } from '../../../lib/content/cards'
import { ApiError } from '../../../lib/errors'
import { MAX_EXAMPLES } from '../../../lib/content/schemas'
import { route as examples } from '../ai-examples'
import { route as explain } from '../ai-explain'
import { route as image } from '../ai-image'
import { route as speech } from '../ai-speech'
import { route as translate } from '../ai-translate'
import type { RouteSpec } from './routes'

type Langs = { sourceLang: string; targetLang: string }
export type Answer = {
  result?: { translation?: string; examples?: Example[]; explanation?: string }
  media?: { key: string }
  cost: number
  plugin?: string
}
type Field = 'back' | 'notes' | 'examples' | 'imageKey' | 'audioKey'
export type Proposal = { field: Field; value: string | Example[] }
/** The part of the AI role's answer an action needs: an answer without it is the AI role's fault. */
const part = <T>(v: T | undefined): T => {
  if (v === undefined)
    throw new ApiError('UPSTREAM_FAILED', 'The AI answer lacks what this action needs')
  return v
}
const text = (f: string, d: Langs) => ({ text: f, from: d.sourceLang, to: d.targetLang })

// Each action: the AI operation it runs on the card's front, the card field its answer is for, and the answer
// as a value of that field.
export const ACTIONS = {
  translate: {
    op: 'translate',
    input: text,
    field: 'back',
    value: (a: Answer) => part(a.result?.translation),
  },
  examples: {
    op: 'examples',
    input: text,
    field: 'examples',
    value: (a: Answer, o: { level?: string }) =>
      part(a.result?.examples).map((e) => ({ ...e, level: o.level ?? 'B1' })),
  },
  explain: {
    op: 'explain',
    input: text,
    field: 'notes',
    value: (a: Answer) => part(a.result?.explanation),
  },
  image: {
    op: 'image',
    input: (f: string) => ({ prompt: f }),
    field: 'imageKey',
    value: (a: Answer) => part(a.media?.key),
  },
  audio: {
    op: 'speech',
    input: (f: string, d: Langs) => ({ text: f, language: d.sourceLang }),
    field: 'audioKey',
    value: (a: Answer) => part(a.media?.key),
  },
} as const satisfies Record<string, { op: string; field: Field; input: unknown; value: unknown }>

const blank = (v: unknown) =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '')

/**
 * Where an answer goes without overwriting anything: into an empty field, or (examples) after the card's own
 * while there is room; otherwise it is a proposal the learner accepts, adds or discards.
 */
export function place(
  card: Card,
  field: Field,
  value: string | Example[],
): { change: CardChange | null; proposal: Proposal | null } {
  if (field === 'examples') {
    const have = card.examples ?? []
    const fresh = (value as Example[]).filter((e) => !have.some((h) => h.sentence === e.sentence))
    if (have.length + fresh.length <= MAX_EXAMPLES)
      return { change: fresh.length ? { examples: [...have, ...fresh] } : null, proposal: null }
    return { change: null, proposal: { field, value: fresh } }
  }
  if (blank(card[field])) return { change: { [field]: value }, proposal: null }
  return { change: null, proposal: card[field] === value ? null : { field, value } }
}

/** The paid route an action goes down (its service, timeout and cost class). */
const AI_ROUTES = { translate, examples, explain, image, speech }
export const routeOf = (op: keyof typeof AI_ROUTES): RouteSpec => AI_ROUTES[op]
