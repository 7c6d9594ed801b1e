import { chatJson, openAiClient } from '../../../lib/ai/openai-compatible'
import type { Plugin, PluginSettings } from '../../../lib/ai/types'

export default function chatgpt(s: PluginSettings): Plugin {
  const client = openAiClient(s, 'https://api.openai.com/v1')
  return {
    id: 'chatgpt',
    kind: 'text',
    configured: Boolean(s.apiKey),
    settings: s,
    defaultModel: 'gpt-4o-mini',
    models: {
      'gpt-4o-mini': { inputPerMTokens: 140_000, outputPerMTokens: 560_000 },
      'gpt-4o': { inputPerMTokens: 2_300_000, outputPerMTokens: 9_200_000 },
    },
    run: (req, { signal }) => chatJson(client, req, signal),
  }
}
