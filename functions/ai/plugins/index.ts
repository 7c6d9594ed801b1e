import { createBreaker } from '../../../lib/breaker'
import type { ConfigOf } from '../../../lib/config'
import { createGate } from '../../../lib/gate'
import type { Kind, Plugin, PluginId, PluginSettings, Speaker } from '../../../lib/ai/types'
import chatgpt from './chatgpt'
import chatterbox from './chatterbox'
import claude from './claude'
import deepseek from './deepseek'
import flux from './flux'
import offline from './offline'

/** What the runtime lends plugins beyond config (keyless speech on Node). */
export type Extras = { speaker?: Speaker }

/** Every provider: adding one is a file in this folder, a line here and its id in PLUGIN_IDS (its settings). */
const FACTORIES: Record<PluginId, (s: PluginSettings, extras: Extras) => Plugin> = {
  chatgpt,
  claude,
  deepseek,
  flux,
  chatterbox,
  offline,
}

/** A plugin's <ID>_* settings: config gives every plugin each of them, defaults included (lib/config.ts). */
function settingsOf(config: ConfigOf<'ai'>, id: PluginId): PluginSettings {
  const c = config as Record<string, unknown>
  const P = id.toUpperCase()
  return {
    apiKey: c[`${P}_API_KEY`] as string | undefined,
    baseUrl: c[`${P}_BASE_URL`] as string | undefined,
    concurrency: c[`${P}_CONCURRENCY`] as number,
    queue: c[`${P}_QUEUE`] as number,
    timeoutMs: c[`${P}_TIMEOUT_MS`] as number,
    rpm: c[`${P}_RPM`] as number,
  }
}

// How long a call waits for its turn at a plugin before the AI role refuses it (503 + Retry-After, its own
// answer, which the backend's breaker ignores): well under the backend's timeouts for AI calls, so a queue
// never turns into timeouts there that shut AI for everyone.
const MAX_WAIT_MS = 5_000

/**
 * The plugins of this deployment, each with its admission gate and a breaker for its health. Offline speech
 * (seconds of CPU per long text, one at a time: SVOX Pico has one heap) has a gate of its own, so the offline
 * plugin's text never waits behind it.
 */
export function createPlugins(config: ConfigOf<'ai'>, extras: Extras = {}) {
  return Object.fromEntries(
    Object.entries(FACTORIES).map(([id, make]) => {
      const plugin = make(settingsOf(config, id as PluginId), extras)
      const { concurrency, queue, rpm } = plugin.settings
      const gate = (runs: number) =>
        createGate({
          concurrency: runs,
          queue,
          rpm,
          maxWaitMs: MAX_WAIT_MS,
          busy: 'Too many AI requests right now; try again shortly',
        })
      const any = gate(concurrency)
      const speech = id === 'offline' ? gate(1) : any
      return [
        id,
        {
          plugin,
          /** The gate a call of this kind passes. */
          gateFor: (kind: Kind) => (kind === 'audio' ? speech : any),
          get queued() {
            return any.depth + (speech === any ? 0 : speech.depth)
          },
          breaker: createBreaker({ threshold: 5, cooldownMs: 30_000 }),
        },
      ]
    }),
  )
}
export type Plugins = ReturnType<typeof createPlugins>
