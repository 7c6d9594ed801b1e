import { ApiError } from '../errors'
import { issuesOf } from '../validate'
import { OPERATIONS, type OperationName } from './operations'
import { costOf, type Price, type Usage } from './types'

/**
 * What each plugin's models cost (µ€ per million tokens / per image / per million characters): the plugins
 * charge by it, and the backend holds the most a call can cost by it before the call runs.
 */
export const PRICES: Record<string, Record<string, Price>> = {
  chatgpt: {
    'gpt-4o-mini': { inputPerMTokens: 140_000, outputPerMTokens: 560_000 },
    'gpt-4o': { inputPerMTokens: 2_300_000, outputPerMTokens: 9_200_000 },
  },
  claude: {
    // Sonnet 4.5 reaches end-of-life on 2026-11-30 (the SDK warns); its successor, at the price we pay today.
    'claude-sonnet-5-5': { inputPerMTokens: 2_800_000, outputPerMTokens: 14_000_000 },
    'claude-haiku-4-5': { inputPerMTokens: 930_000, outputPerMTokens: 4_600_000 },
  },
  deepseek: { 'deepseek-chat': { inputPerMTokens: 260_000, outputPerMTokens: 1_030_000 } },
  flux: { 'flux-schnell': { perImage: 3_000 } },
  chatterbox: { 'chatterbox-tts': { perMChars: 15_000_000 } },
  // Text is free; media cost what Flux and Chatterbox charge, so local credits move as they will in production.
  offline: { 'offline-1': { perImage: 3_000, perMChars: 15_000_000 } },
}

// A token covers at least one byte of UTF-8 text; chat framing (roles, separators) adds a few more.
const FRAMING_TOKENS = 64
const bytes = (s: string) => new TextEncoder().encode(s).length

export type Choice = {
  provider: string
  model: string
  fallback?: { provider: string; model: string }
}

/**
 * The most one call of an operation can cost: the largest usage its input allows (characters for speech,
 * one image, prompt bytes plus max tokens for text) at the dearest model the AI role may use for it (the
 * choice, its fallback, or offline; a model it does not know means the plugin's default, so all its models).
 * Input the operation refuses is a 400 here, before any money moves.
 */
export function mostItCosts(op: OperationName, body: unknown, choice: Choice | undefined): number {
  const { kind, input, prompt } = OPERATIONS[op]
  const parsed = input.safeParse(body)
  if (!parsed.success)
    throw new ApiError('BAD_REQUEST', 'Invalid input for this AI operation', issuesOf(parsed.error))
  const p = prompt(parsed.data as never) as {
    system?: string
    prompt?: string
    maxTokens?: number
    text?: string
  }
  const usage: Usage =
    kind === 'image'
      ? { images: 1 }
      : kind === 'audio'
        ? { characters: (p.text ?? '').length }
        : {
            inputTokens: bytes(p.system ?? '') + bytes(p.prompt ?? '') + FRAMING_TOKENS,
            outputTokens: p.maxTokens,
          }
  const candidates = [choice, choice?.fallback, { provider: 'offline', model: 'offline-1' }].filter(
    (c) => c !== undefined,
  )
  const prices = candidates.flatMap(({ provider, model }) => {
    const models = PRICES[provider] ?? {}
    return models[model] ? [models[model]] : Object.values(models)
  })
  return Math.max(...prices.map((price) => costOf(price, usage)))
}
