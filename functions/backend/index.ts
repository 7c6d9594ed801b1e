import { type AppEnv, createApp, type RoleDeps } from '../../lib/app'
import type { Db } from '../../lib/db/db'
import { createVerifier, jwksFromAuth, type Verifier } from '../../lib/jwt'
import type { Kv } from '../../lib/kv'
import type { Services } from '../../lib/services'
import accountDelete from './account-delete'
import accountExport from './account-export'
import authProxy from './auth-proxy'
import authRefresh from './auth-refresh'
import card from './card'
import cardAi from './card-ai'
import cards from './cards'
import deck from './deck'
import deckCsv from './deck-csv'
import decks from './decks'
import oauthCallback from './oauth-callback'
import paddleWebhook from './paddle-webhook'
import routed from './routed'
import stats from './stats'
import status from './status'
import study from './study'
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
    .route('/api/decks', decks)
    .route('/api/decks', deck)
    .route('/api/decks', cards)
    .route('/api/decks', deckCsv)
    .route('/api/cards', cardAi)
    .route('/api/cards', card)
    .route('/api/study', study)
    .route('/api/stats', stats)
    .route('/api/account/export', accountExport)
    .route('/api/account/delete', accountDelete)
    .route('/', routed)
}
