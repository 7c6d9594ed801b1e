import { generateImage, openAiClient } from '../../../lib/ai/openai-compatible'
import { PRICES } from '../../../lib/ai/prices'
import type { Plugin, PluginSettings } from '../../../lib/ai/types'

/** Flux Schnell over an OpenAI-compatible image API (FLUX_BASE_URL). */
export default function flux(s: PluginSettings): Plugin {
  const client = openAiClient(s, 'https://api.together.xyz/v1')
  return {
    id: 'flux',
    kind: 'image',
    configured: Boolean(s.apiKey),
    settings: s,
    defaultModel: 'flux-schnell',
    models: PRICES.flux,
    run: (req, { signal }) => generateImage(client, req, signal),
  }
}
