import OpenAI from 'openai'
import type { PluginSettings, ProviderRequest, ProviderResult } from './types'

const b64ToBytes = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))

/** The OpenAI SDK against any OpenAI-compatible server; retries are ours (withRetry), not the SDK's. */
export const openAiClient = (s: PluginSettings, defaultBaseUrl: string) =>
  new OpenAI({
    apiKey: s.apiKey ?? 'unset',
    baseURL: s.baseUrl ?? defaultBaseUrl,
    maxRetries: 0,
    timeout: s.timeoutMs,
  })

/** Chat completions asking for a JSON object. */
export async function chatJson(
  client: OpenAI,
  req: ProviderRequest,
  signal: AbortSignal,
): Promise<ProviderResult> {
  if (req.kind !== 'text') throw new Error('chat plugins answer text only')
  const r = await client.chat.completions.create(
    {
      model: req.model,
      max_tokens: req.maxTokens,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: req.system },
        { role: 'user', content: req.prompt },
      ],
    },
    { signal },
  )
  return {
    kind: 'text',
    text: r.choices[0]?.message?.content ?? '',
    usage: {
      inputTokens: r.usage?.prompt_tokens ?? 0,
      outputTokens: r.usage?.completion_tokens ?? 0,
    },
  }
}

/** `/v1/images/generations` with a base64 PNG answer (how Flux Schnell hosts commonly serve it). */
export async function generateImage(
  client: OpenAI,
  req: ProviderRequest,
  signal: AbortSignal,
): Promise<ProviderResult> {
  if (req.kind !== 'image') throw new Error('image plugins make images only')
  const r = await client.images.generate(
    { model: req.model, prompt: req.prompt, n: 1, size: '512x512', response_format: 'b64_json' },
    { signal },
  )
  const b64 = r.data?.[0]?.b64_json
  if (!b64) throw Object.assign(new Error('image answer without data'), { malformed: true })
  return { kind: 'image', bytes: b64ToBytes(b64), contentType: 'image/png', usage: { images: 1 } }
}

/** `/v1/audio/speech` (how Chatterbox TTS is commonly self-hosted), WAV out. */
export async function speak(
  client: OpenAI,
  req: ProviderRequest,
  signal: AbortSignal,
): Promise<ProviderResult> {
  if (req.kind !== 'audio') throw new Error('speech plugins make audio only')
  const r = await client.audio.speech.create(
    { model: req.model, voice: req.voice, input: req.text, response_format: 'wav' },
    { signal },
  )
  return {
    kind: 'audio',
    bytes: new Uint8Array(await r.arrayBuffer()),
    contentType: 'audio/wav',
    usage: { characters: req.text.length },
  }
}
