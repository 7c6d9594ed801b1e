import { route as examples } from '../ai-examples'
import { route as explain } from '../ai-explain'
import { route as image } from '../ai-image'
import { route as speech } from '../ai-speech'
import { route as translate } from '../ai-translate'
import type { RouteSpec } from './routes'

type Langs = { sourceLang: string; targetLang: string }
export type Answer = { result?: Record<string, any>; media?: { key: string }; cost: number }
const text = (f: string, d: Langs) => ({ text: f, from: d.sourceLang, to: d.targetLang })

// Each action: the AI operation it runs on the card's front, and the change to the card its answer makes.
export const ACTIONS = {
  translate: { op: 'translate', input: text, save: (a: Answer) => ({ back: a.result!.translation }) },
  examples: { op: 'examples', input: text, save: (a: Answer) => ({ examples: a.result!.examples }) },
  explain: { op: 'explain', input: text, save: (a: Answer) => ({ notes: a.result!.explanation }) },
  image: { op: 'image', input: (f: string) => ({ prompt: f }), save: (a: Answer) => ({ imageKey: a.media!.key }) },
  audio: { op: 'speech', input: (f: string, d: Langs) => ({ text: f, language: d.sourceLang }), save: (a: Answer) => ({ audioKey: a.media!.key }) },
} as const

/** The paid route an action goes down (its service, timeout and cost class). */
const AI_ROUTES = { translate, examples, explain, image, speech }
export const routeOf = (op: keyof typeof AI_ROUTES): RouteSpec => AI_ROUTES[op]
