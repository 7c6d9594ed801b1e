import { createApp } from '../../lib/app'
import { verifierFromAuth } from '../../lib/jwt'
import { requireService } from '../../lib/middleware/service-auth'
import type { AiDeps } from './env'
import adminProviders from './admin-providers'
import adminStats from './admin-stats'
import adminUserUsage from './admin-user-usage'
import examples from './examples'
import explain from './explain'
import health from './health'
import image from './image'
import internalMediaErase from './internal-media-erase'
import media from './media'
import mediaUpload from './media-upload'
import { createPlugins } from './plugins/index'
import speech from './speech'
import translate from './translate'

export default function createAiApp(deps: Omit<AiDeps, 'verifier' | 'plugins'>) {
  const verifier = verifierFromAuth(deps.config, deps.services.call, deps.now)
  const plugins = createPlugins(deps.config, { speaker: deps.speaker })
  deps.metrics?.gauge('ai_queue_depth', () =>
    Object.entries(plugins).map(([plugin, p]) => ({ labels: { plugin }, value: p.queued })),
  )
  return createApp('ai', { ...deps, verifier, plugins })
    .use('/ai/*', requireService({ from: ['backend'] })) // learners reach AI only through the backend
    .route('/', translate)
    .route('/', examples)
    .route('/', explain)
    .route('/', image)
    .route('/', speech)
    .route('/', media)
    .route('/', mediaUpload)
    .route('/', health)
    .route('/', adminProviders)
    .route('/', adminStats)
    .route('/', adminUserUsage)
    .route('/', internalMediaErase)
}
