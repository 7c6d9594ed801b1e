import Anthropic from '@anthropic-ai/sdk'
import { PRICES } from '../../../lib/ai/prices'
import type { Plugin, PluginSettings } from '../../../lib/ai/types'

export default function claude(s: PluginSettings): Plugin {
  const client = new Anthropic({
    apiKey: s.apiKey ?? 'unset',
    baseURL: s.baseUrl ?? 'https://api.anthropic.com',
    maxRetries: 0,
    timeout: s.timeoutMs,
  })
  return {
    id: 'claude',
    kind: 'text',
    configured: Boolean(s.apiKey),
    settings: s,
    defaultModel: 'claude-sonnet-5-5',
    models: PRICES.claude,
    async run(req, { signal }) {
      if (req.kind !== 'text') throw new Error('claude answers text only')
      const r = await client.messages.create(
        {
          model: req.model,
          max_tokens: req.maxTokens,
          system: req.system,
          messages: [{ role: 'user', content: req.prompt }],
        },
        { signal },
      )
      const text = r.content.map((b) => (b.type === 'text' ? b.text : '')).join('')
      return {
        kind: 'text',
        text,
        usage: { inputTokens: r.usage.input_tokens, outputTokens: r.usage.output_tokens },
      }
    },
  }
}
