import { type AppEnv, createApp, type RoleDeps } from '../../lib/app'
import type { Db } from '../../lib/db/db'
import { createVerifier, jwksFromAuth, type Verifier } from '../../lib/jwt'
import type { Kv } from '../../lib/kv'
import type { Services } from '../../lib/services'
import accountDelete from './account-delete'
import accountExport from './account-export'
import authProxy from './auth-proxy'
import authRefresh from './auth-refresh'
import cardAdd from './card-add'
import cardAi from './card-ai'
import cardAiPrices from './card-ai-prices'
import cardDelete from './card-delete'
import cardGet from './card-get'
import cardList from './card-list'
import cardUpdate from './card-update'
import deckCreate from './deck-create'
import deckDelete from './deck-delete'
import deckExport from './deck-export'
import deckGet from './deck-get'
import deckImport from './deck-import'
import deckList from './deck-list'
import deckUpdate from './deck-update'
import oauthCallback from './oauth-callback'
import paddleWebhook from './paddle-webhook'
import routed from './routed'
import stats from './stats'
import status from './status'
import studyQueue from './study-queue'
import studyReview from './study-review'
import studySettings from './study-settings'
import studySettingsUpdate from './study-settings-update'
import studyUndo from './study-undo'
import whoami from './whoami'

export type BackendDeps = RoleDeps<'backend'> & { db: Db; kv: Kv; services: Services; verifier: Verifier }
export type BackendEnv = AppEnv<BackendDeps>

export default function createBackendApp(deps: Omit<BackendDeps, 'verifier'>) {
  const { config, services } = deps
  const verifier = createVerifier({
    jwks: jwksFromAuth(services.call),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    now: deps.now,
    cacheSize: config.JWT_CACHE_SIZE,
  })
  return createApp('backend', { ...deps, verifier })
    .get('/api/healthz', (c) => c.json({ status: 'ok', role: 'backend' }))
    .route('/api/status', status)
    .route('/api/whoami', whoami)
    .route('/api/auth/refresh', authRefresh)
    .route('/api/auth/oauth', oauthCallback)
    .route('/api/auth', authProxy)
    .route('/api/webhooks/paddle', paddleWebhook)
    .route('/api/decks', deckList)
    .route('/api/decks', deckCreate)
    .route('/api/decks', deckGet)
    .route('/api/decks', deckUpdate)
    .route('/api/decks', deckDelete)
    .route('/api/decks', cardList)
    .route('/api/decks', cardAdd)
    .route('/api/decks', deckImport)
    .route('/api/decks', deckExport)
    .route('/api/cards', cardAiPrices)
    .route('/api/cards', cardAi)
    .route('/api/cards', cardGet)
    .route('/api/cards', cardUpdate)
    .route('/api/cards', cardDelete)
    .route('/api/study', studyQueue)
    .route('/api/study', studyReview)
    .route('/api/study', studyUndo)
    .route('/api/study', studySettings)
    .route('/api/study', studySettingsUpdate)
    .route('/api/stats', stats)
    .route('/api/account/export', accountExport)
    .route('/api/account/delete', accountDelete)
    .route('/', routed)
}
