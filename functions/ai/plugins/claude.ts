import Anthropic from '@anthropic-ai/sdk'
import type { Plugin, PluginSettings } from '../../../lib/ai/types'

export default function claude(s: PluginSettings): Plugin {
  const client = new Anthropic({ apiKey: s.apiKey ?? 'unset', baseURL: s.baseUrl ?? 'https://api.anthropic.com', maxRetries: 0, timeout: s.timeoutMs })
  return {
    id: 'claude',
    kind: 'text',
    configured: Boolean(s.apiKey),
    settings: s,
    defaultModel: 'claude-sonnet-5-5',
    models: {
      // Sonnet 4.5 reaches end-of-life on 2026-11-30 (the SDK warns); its successor, at the price we pay today.
      'claude-sonnet-5-5': { inputPerMTokens: 2_800_000, outputPerMTokens: 14_000_000 },
      'claude-haiku-4-5': { inputPerMTokens: 930_000, outputPerMTokens: 4_600_000 },
    },
    async run(req, { signal }) {
      if (req.kind !== 'text') throw new Error('claude answers text only')
      const r = await client.messages.create(
        { model: req.model, max_tokens: req.maxTokens, system: req.system, messages: [{ role: 'user', content: req.prompt }] },
        { signal },
      )
      const text = r.content.map((b) => (b.type === 'text' ? b.text : '')).join('')
      return { kind: 'text', text, usage: { inputTokens: r.usage.input_tokens, outputTokens: r.usage.output_tokens } }
    },
  }
}
