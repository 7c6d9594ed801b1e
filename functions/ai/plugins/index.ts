import { createBreaker } from '../../../lib/breaker'
import type { ConfigOf } from '../../../lib/config'
import { createGate } from '../../../lib/gate'
import type { Plugin, PluginId, PluginSettings, Speaker } from '../../../lib/ai/types'
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

/** The plugins of this deployment, each with its admission gate and a breaker for its health. */
export function createPlugins(config: ConfigOf<'ai'>, extras: Extras = {}) {
  return Object.fromEntries(
    Object.entries(FACTORIES).map(([id, make]) => {
      const plugin = make(settingsOf(config, id as PluginId), extras)
      const { concurrency, queue, rpm } = plugin.settings
      return [
        id,
        {
          plugin,
          gate: createGate({
            concurrency,
            queue,
            rpm,
            busy: 'Too many AI requests right now; try again shortly',
          }),
          breaker: createBreaker({ threshold: 5, cooldownMs: 30_000 }),
        },
      ]
    }),
  )
}
export type Plugins = ReturnType<typeof createPlugins>
