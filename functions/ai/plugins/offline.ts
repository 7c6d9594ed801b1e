import { png, wav } from '../../../lib/ai/media'
import { PRICES } from '../../../lib/ai/prices'
import type { Plugin, PluginSettings, ProviderRequest, Speaker } from '../../../lib/ai/types'

// Deterministic stand-ins with no network: what `npm start` uses when no provider key is set. Speech is real
// where the runtime lends a speaker (SVOX Pico on Node: en, de, es, fr, it); elsewhere a short tone.
const hash = (s: string) => [...s].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7)

function text(req: Extract<ProviderRequest, { kind: 'text' }>) {
  const i = req.input as { text: string; from: string; to: string; level?: string; n?: number }
  switch (req.operation) {
    case 'translate':
      return { translation: `${i.text} (${i.from}→${i.to}, offline)`, alternatives: [] }
    case 'examples':
      return {
        examples: Array.from({ length: i.n ?? 3 }, (_, k) => ({
          sentence: `Example ${k + 1} (${i.level ?? 'B1'}): I use “${i.text}” every day.`,
          translation: `[${i.to}] Example ${k + 1}: “${i.text}” in a sentence.`,
        })),
      }
    default:
      return {
        explanation: `“${i.text}” is explained offline: connect a provider for a real explanation.`,
        notes: [],
      }
  }
}

export default function offline(
  s: PluginSettings,
  { speaker }: { speaker?: Speaker } = {},
): Plugin {
  return {
    id: 'offline',
    kind: 'text',
    configured: true,
    settings: s,
    defaultModel: 'offline-1',
    models: PRICES.offline,
    async run(req) {
      if (req.kind === 'text') return { kind: 'text', text: JSON.stringify(text(req)), usage: {} }
      const h = hash(req.kind === 'image' ? req.prompt : req.text)
      if (req.kind === 'image')
        return {
          kind: 'image',
          bytes: await png(64, [h & 255, (h >> 8) & 255, (h >> 16) & 255], [255, 255, 255]),
          contentType: 'image/png',
          usage: { images: 1 },
        }
      const spoken = await speaker?.(req.text, req.language).catch(() => null) // a broken engine still answers
      return {
        kind: 'audio',
        bytes: spoken ?? wav(0.6, 220 + (h % 440)),
        contentType: 'audio/wav',
        usage: { characters: req.text.length },
      }
    },
  }
}
