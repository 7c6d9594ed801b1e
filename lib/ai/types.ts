export type Kind = 'text' | 'image' | 'audio'

/** Prices in µ€: per million tokens (text), per image, per million characters (speech). */
export type Price = {
  inputPerMTokens?: number
  outputPerMTokens?: number
  perImage?: number
  perMChars?: number
}
export type Usage = {
  inputTokens?: number
  outputTokens?: number
  images?: number
  characters?: number
}

/** `operation` and `input` let a plugin without a model (offline) answer in the operation's shape. */
export type TextRequest = {
  kind: 'text'
  model: string
  system: string
  prompt: string
  maxTokens: number
  operation: string
  input: Record<string, unknown>
}
export type ImageRequest = { kind: 'image'; model: string; prompt: string }
export type SpeechRequest = {
  kind: 'audio'
  model: string
  text: string
  language: string
  voice: string
}
export type ProviderRequest = TextRequest | ImageRequest | SpeechRequest

export type ProviderResult =
  | { kind: 'text'; text: string; usage: Usage }
  | { kind: 'image' | 'audio'; bytes: Uint8Array; contentType: string; usage: Usage }

/** Settings every plugin takes from config. */
/** Every AI provider plugin (functions/ai/plugins/<id>.ts); each has its <ID>_* settings in the ai config. */
export const PLUGIN_IDS = [
  'chatgpt',
  'claude',
  'deepseek',
  'flux',
  'chatterbox',
  'offline',
] as const
export type PluginId = (typeof PLUGIN_IDS)[number]
export type PluginSettings = {
  apiKey?: string
  baseUrl?: string
  concurrency: number
  queue: number
  timeoutMs: number
  rpm: number
}

/** One provider. `configured` is false when its key is missing: the offline plugin stands in. */
export interface Plugin {
  id: string
  kind: Kind
  configured: boolean
  models: Record<string, Price>
  defaultModel: string
  settings: PluginSettings
  run(req: ProviderRequest, ctx: { signal: AbortSignal }): Promise<ProviderResult>
}

/** Exact µ€ for a usage: rounded up per call, so a call never costs less than it used. */
export function costOf(price: Price, u: Usage): number {
  const perM = (count = 0, rate = 0) => count * rate
  const micro =
    perM(u.inputTokens, price.inputPerMTokens) +
    perM(u.outputTokens, price.outputPerMTokens) +
    perM(u.characters, price.perMChars)
  return Math.ceil(micro / 1_000_000) + (u.images ?? 0) * (price.perImage ?? 0)
}

/** A provider's HTTP status, from an SDK error or our own. */
export const statusOf = (err: unknown) =>
  typeof (err as { status?: unknown })?.status === 'number'
    ? (err as { status: number }).status
    : undefined

/** Speech without a provider: WAV bytes of `text` read in `language`, or null where no voice speaks it. */
export type Speaker = (text: string, language: string) => Promise<Uint8Array | null>
