import { chatJson, openAiClient } from '../../../lib/ai/openai-compatible'
import { PRICES } from '../../../lib/ai/prices'
import type { Plugin, PluginSettings } from '../../../lib/ai/types'

/** Deepseek speaks the OpenAI API at its own base URL. */
export default function deepseek(s: PluginSettings): Plugin {
  const client = openAiClient(s, 'https://api.deepseek.com/v1')
  return {
    id: 'deepseek',
    kind: 'text',
    configured: Boolean(s.apiKey),
    settings: s,
    defaultModel: 'deepseek-chat',
    models: PRICES.deepseek,
    run: (req, { signal }) => chatJson(client, req, signal),
  }
}
