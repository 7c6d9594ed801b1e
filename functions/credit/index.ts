import { createApp } from '../../lib/app'
import { accountsTotal } from '../../lib/credit/reports'
import { roleOutboxState } from '../../lib/credit/role-outbox'
import { asService } from '../../lib/db/tx'
import { verifierFromAuth } from '../../lib/jwt'
import { requireService } from '../../lib/middleware/service-auth'
import adminAdjustments from './admin-adjustments'
import adminRefunds from './admin-refunds'
import adminStats from './admin-stats'
import adminTransactions from './admin-transactions'
import adminUserCredits from './admin-user-credits'
import adminUserPlan from './admin-user-plan'
import balance from './balance'
import checkout from './checkout'
import type { CreditDeps } from './env'
import history from './history'
import internalCharges from './internal-charges'
import internalHolds from './internal-holds'
import internalUserExport from './internal-user-export'
import paddleWebhook from './paddle-webhook'

export default function createCreditApp(deps: Omit<CreditDeps, 'verifier'>) {
  const verifier = verifierFromAuth(deps.config, deps.services.call, deps.now)
  const fromBackend = requireService({ from: ['backend'] }) // everything here is reached through the backend
  const total = (column: 'pending' | 'held') => async () => [
    { value: await asService(deps.db, (sql) => accountsTotal(sql, column)) },
  ]
  deps.metrics?.gauge('credit_pending_micro_euros', total('pending')) // a growing backlog means flushing stopped
  deps.metrics?.gauge('credit_held_micro_euros', total('held'))
  // A plan change that cannot reach auth waits here: a growing age means auth keeps refusing or is down.
  const outbox = () => asService(deps.db, (sql) => roleOutboxState(sql, (deps.now ?? Date.now)()))
  deps.metrics?.gauge('credit_role_outbox_depth', async () => [{ value: (await outbox()).depth }])
  deps.metrics?.gauge('credit_role_outbox_oldest_seconds', async () => [
    { value: (await outbox()).oldestSeconds },
  ])
  return createApp('credit', { ...deps, verifier })
    .use('/internal/*', fromBackend)
    .use('/credits/*', fromBackend)
    .use('/admin/*', fromBackend)
    .use('/webhooks/*', fromBackend)
    .route('/', internalHolds)
    .route('/', internalCharges)
    .route('/', internalUserExport)
    .route('/', balance)
    .route('/', history)
    .route('/', checkout)
    .route('/', paddleWebhook)
    .route('/', adminStats)
    .route('/', adminTransactions)
    .route('/', adminRefunds)
    .route('/', adminAdjustments)
    .route('/', adminUserCredits)
    .route('/', adminUserPlan)
}
