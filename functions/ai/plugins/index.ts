import { createBreaker } from '../../../lib/breaker'
import type { ConfigOf } from '../../../lib/config'
import { createGate } from '../../../lib/ai/gate'
import type { Plugin, PluginSettings } from '../../../lib/ai/types'
import chatgpt from './chatgpt'
import chatterbox from './chatterbox'
import claude from './claude'
import deepseek from './deepseek'
import flux from './flux'
import offline from './offline'

/** Every provider: adding one is a file in this folder and a line here (and its settings in config). */
const FACTORIES: Record<string, (s: PluginSettings) => Plugin> = { chatgpt, claude, deepseek, flux, chatterbox, offline }

function settingsOf(config: ConfigOf<'ai'>, id: string): PluginSettings {
  const c = config as Record<string, unknown>
  const P = id.toUpperCase()
  const n = (key: string, fallback: number) => (typeof c[`${P}_${key}`] === 'number' ? (c[`${P}_${key}`] as number) : fallback)
  return {
    apiKey: c[`${P}_API_KEY`] as string | undefined,
    baseUrl: c[`${P}_BASE_URL`] as string | undefined,
    concurrency: n('CONCURRENCY', 8),
    queue: n('QUEUE', 64),
    timeoutMs: n('TIMEOUT_MS', 30_000),
    rpm: n('RPM', 100_000),
  }
}

/** The plugins of this deployment, each with its admission gate and a breaker for its health. */
export function createPlugins(config: ConfigOf<'ai'>) {
  return Object.fromEntries(
    Object.entries(FACTORIES).map(([id, make]) => {
      const plugin = make(settingsOf(config, id))
      const { concurrency, queue, rpm } = plugin.settings
      return [id, { plugin, gate: createGate({ concurrency, queue, rpm }), breaker: createBreaker({ threshold: 5, cooldownMs: 30_000 }) }]
    }),
  )
}
export type Plugins = ReturnType<typeof createPlugins>
