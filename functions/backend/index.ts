import { createApp } from '../../lib/app'
import { type Verifier, verifierFromAuth } from '../../lib/jwt'
import accountDelete from './account-delete'
import accountExport from './account-export'
import adminAdjustments from './admin-adjustments'
import adminAiProviders from './admin-ai-providers'
import adminAudit from './admin-audit'
import adminKeys from './admin-keys'
import adminKeysRotate from './admin-keys-rotate'
import adminUser from './admin-user'
import adminUserAiUsage from './admin-user-ai-usage'
import adminUserCredits from './admin-user-credits'
import adminUserErase from './admin-user-erase'
import adminUserExport from './admin-user-export'
import adminUserPlan from './admin-user-plan'
import adminUserSessionsRevoke from './admin-user-sessions-revoke'
import adminUserAdmin from './admin-user-admin'
import adminUserStatus from './admin-user-status'
import adminUserVerification from './admin-user-verification'
import adminUsers from './admin-users'
import adminRefunds from './admin-refunds'
import adminStats from './admin-stats'
import adminStatus from './admin-status'
import adminTransactions from './admin-transactions'
import aiExamples from './ai-examples'
import aiExplain from './ai-explain'
import aiImage from './ai-image'
import aiMedia from './ai-media'
import aiSpeech from './ai-speech'
import aiTranslate from './ai-translate'
import authProxy from './auth-proxy'
import authRefresh from './auth-refresh'
import cardAdd from './card-add'
import cardAi from './card-ai'
import cardAiPrices from './card-ai-prices'
import cardDelete from './card-delete'
import cardGet from './card-get'
import cardHistory from './card-history'
import cardList from './card-list'
import cardRestore from './card-restore'
import cardUpdate from './card-update'
import creditsBalance from './credits-balance'
import creditsCheckout from './credits-checkout'
import creditsHistory from './credits-history'
import deckCreate from './deck-create'
import deckDelete from './deck-delete'
import deckExport from './deck-export'
import deckExportApkg from './deck-export-apkg'
import deckGet from './deck-get'
import deckImport from './deck-import'
import deckList from './deck-list'
import deckRetentionForecast from './deck-retention-forecast'
import deckUpdate from './deck-update'
import type { BackendDeps } from './env'
import importAnki from './import-anki'
import importGet from './import-get'
import importList from './import-list'
import noteAdd from './note-add'
import noteDelete from './note-delete'
import noteGet from './note-get'
import noteList from './note-list'
import noteType from './note-type'
import noteTypes from './note-types'
import noteUpdate from './note-update'
import oauthCallback from './oauth-callback'
import paddleWebhook from './paddle-webhook'
import stats from './stats'
import status from './status'
import studyQueue from './study-queue'
import studyReview from './study-review'
import studyOptimise from './study-optimise'
import studySettings from './study-settings'
import studySettingsUpdate from './study-settings-update'
import studyUndo from './study-undo'
import cardActions from './card-actions'
import cardMedia from './card-media'
import deckExtendToday from './deck-extend-today'
import presetList from './preset-list'
import presetCreate from './preset-create'
import presetUpdate from './preset-update'
import presetDelete from './preset-delete'
import whoami from './whoami'

export default function createBackendApp(deps: Omit<BackendDeps, 'verifier'>) {
  // Verified tokens are cached; whether a token's session was revoked is asked on every request, in the
  // rate limit's round trip to Redis (lib/middleware/rate-limit.ts), which every signed-in route runs.
  const verifier: Verifier = verifierFromAuth(deps.config, deps.services.call, deps.now)
  return createApp('backend', { ...deps, verifier })
    .route('/', status)
    .route('/', adminStatus)
    .route('/', whoami)
    .route('/', authRefresh)
    .route('/', oauthCallback)
    .route('/', authProxy)
    .route('/', paddleWebhook)
    .route('/', deckList)
    .route('/', deckCreate)
    .route('/', deckGet)
    .route('/', deckUpdate)
    .route('/', deckDelete)
    .route('/', deckExtendToday)
    .route('/', deckRetentionForecast)
    .route('/', presetList)
    .route('/', presetCreate)
    .route('/', presetUpdate)
    .route('/', presetDelete)
    .route('/', cardList)
    .route('/', cardAdd)
    .route('/', deckImport)
    .route('/', importAnki)
    .route('/', importList)
    .route('/', importGet)
    .route('/', deckExport)
    .route('/', deckExportApkg)
    .route('/', noteTypes)
    .route('/', noteList)
    .route('/', noteAdd)
    .route('/', noteGet)
    .route('/', noteUpdate)
    .route('/', noteType)
    .route('/', noteDelete)
    .route('/', cardAiPrices)
    .route('/', cardAi)
    .route('/', cardGet)
    .route('/', cardHistory)
    .route('/', cardRestore)
    .route('/', cardUpdate)
    .route('/', cardDelete)
    .route('/', cardActions)
    .route('/', cardMedia)
    .route('/', studyQueue)
    .route('/', studyReview)
    .route('/', studyUndo)
    .route('/', studySettings)
    .route('/', studyOptimise)
    .route('/', studySettingsUpdate)
    .route('/', stats)
    .route('/', accountExport)
    .route('/', accountDelete)
    .route('/', aiTranslate)
    .route('/', aiExamples)
    .route('/', aiExplain)
    .route('/', aiImage)
    .route('/', aiSpeech)
    .route('/', aiMedia)
    .route('/', creditsBalance)
    .route('/', creditsCheckout)
    .route('/', creditsHistory)
    .route('/', adminStats)
    .route('/', adminTransactions)
    .route('/', adminRefunds)
    .route('/', adminAdjustments)
    .route('/', adminUsers)
    .route('/', adminUser)
    .route('/', adminUserStatus)
    .route('/', adminUserAdmin)
    .route('/', adminUserSessionsRevoke)
    .route('/', adminUserVerification)
    .route('/', adminUserCredits)
    .route('/', adminUserPlan)
    .route('/', adminUserAiUsage)
    .route('/', adminUserExport)
    .route('/', adminUserErase)
    .route('/', adminAudit)
    .route('/', adminKeys)
    .route('/', adminKeysRotate)
    .route('/', adminAiProviders)
}
