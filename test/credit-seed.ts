import { post } from '../lib/credit/ledger'
import { asService } from '../lib/db/tx'
import { newUserId } from '../lib/ids'
import type { TestDatabase } from './testing'

/** A user with `balance` µ€, seeded straight into the database as one ledger adjustment. */
export async function seedLearner(db: TestDatabase, balance: number) {
  const id = newUserId()
  await db.owner.query(`insert into public.users (id, email, name) values ($1, $2, 'L')`, [
    id,
    `${id}@example.com`,
  ])
  if (balance)
    await asService(db.as('lingudesk_credit'), (sql) =>
      post(sql, {
        userId: id,
        kind: 'adjustment',
        amount: balance,
        key: `seed:${id}`,
        actor: 'test',
      }),
    )
  return id
}

/** The user's account figures and ledger debits, read as the owner. */
export async function creditState(db: TestDatabase, userId: string) {
  const [a] = await db.owner.query<Record<string, string>>(
    `select balance, held, pending from credit.accounts where user_id = $1`,
    [userId],
  )
  const rows = await db.owner.query<{ amount: string }>(
    `select amount from credit.transactions where user_id = $1 and kind = 'debit'`,
    [userId],
  )
  return {
    balance: Number(a.balance),
    held: Number(a.held),
    pending: Number(a.pending),
    debits: rows.map((r) => Number(r.amount)),
  }
}
