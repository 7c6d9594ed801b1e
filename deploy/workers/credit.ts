import type { CreditDeps } from '../../functions/credit/env'
import create from '../../functions/credit/index'
import { deliverRoleChanges } from '../../lib/credit/role-outbox'
import { sweep } from '../../lib/credit/sweeper'
import { workerEntry } from '../worker'

// On the cron trigger of wrangler.toml (every minute, workerd's finest), as Node's timers do: holds past their
// expiry are swept, and plan changes auth has not confirmed yet are sent again (one pass of the outbox).
export default workerEntry('credit', create, async (deps: Omit<CreditDeps, 'verifier'>) => {
  await sweep(deps)
  await deliverRoleChanges({ ...deps, now: deps.now ?? Date.now }).catch((err: Error) =>
    deps.log.error('role outbox pass failed', { error: err.message }),
  )
})
