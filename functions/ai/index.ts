import { type AppEnv, createApp, type RoleDeps } from '../../lib/app'
import type { Db } from '../../lib/db/db'
import { createVerifier, jwksFromAuth, type Verifier } from '../../lib/jwt'
import { requireService } from '../../lib/middleware/service-auth'
import type { Storage } from '../../lib/s3'
import type { Services } from '../../lib/services'
import examples from './examples'
import explain from './explain'
import health from './health'
import image from './image'
import internalMediaErase from './internal-media-erase'
import media from './media'
import { createPlugins, type Plugins } from './plugins/index'
import speech from './speech'
import translate from './translate'

export type AiDeps = RoleDeps<'ai'> & { db: Db; s3: Storage; services: Services; verifier: Verifier; plugins: Plugins }
export type AiEnv = AppEnv<AiDeps>

export default function createAiApp(deps: Omit<AiDeps, 'verifier' | 'plugins'>) {
  const { config, services } = deps
  const verifier = createVerifier({ jwks: jwksFromAuth(services.call), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, now: deps.now })
  const plugins = createPlugins(config)
  deps.metrics?.gauge('ai_queue_depth', () => Object.entries(plugins).map(([plugin, p]) => ({ labels: { plugin }, value: p.gate.depth })))
  return createApp('ai', { ...deps, verifier, plugins })
    .use('/ai/*', requireService({ from: ['backend'] })) // learners reach AI only through the backend
    .route('/ai/translate', translate)
    .route('/ai/examples', examples)
    .route('/ai/explain', explain)
    .route('/ai/image', image)
    .route('/ai/speech', speech)
    .route('/ai/media', media)
    .route('/ai/health', health)
    .route('/internal/media/erase', internalMediaErase)
}
