import { chatJson, openAiClient } from '../../../lib/ai/openai-compatible'
import { PRICES } from '../../../lib/ai/prices'
import type { Plugin, PluginSettings } from '../../../lib/ai/types'

export default function chatgpt(s: PluginSettings): Plugin {
  const client = openAiClient(s, 'https://api.openai.com/v1')
  return {
    id: 'chatgpt',
    kind: 'text',
    configured: Boolean(s.apiKey),
    settings: s,
    defaultModel: 'gpt-4o-mini',
    models: PRICES.chatgpt,
    run: (req, { signal }) => chatJson(client, req, signal),
  }
}
