import { openAiClient, speak } from '../../../lib/ai/openai-compatible'
import { PRICES } from '../../../lib/ai/prices'
import type { Plugin, PluginSettings } from '../../../lib/ai/types'

/** Chatterbox TTS behind an OpenAI-compatible /v1/audio/speech server (CHATTERBOX_BASE_URL). */
export default function chatterbox(s: PluginSettings): Plugin {
  const client = openAiClient(s, 'http://127.0.0.1:4123/v1')
  return {
    id: 'chatterbox',
    kind: 'audio',
    configured: Boolean(s.baseUrl),
    settings: s,
    defaultModel: 'chatterbox-tts',
    models: PRICES.chatterbox,
    run: (req, { signal }) => speak(client, req, signal),
  }
}
