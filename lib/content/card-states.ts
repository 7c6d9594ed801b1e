import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { nextDayStart } from './today'

/** What the learner can do to cards in study (by key) and in bulk from the card list. */
export const CARD_ACTIONS = ['suspend', 'unsuspend', 'bury', 'unbury', 'flag'] as const
export type CardAction = (typeof CARD_ACTIONS)[number]

// Each action as one assignment; a burial lasts until the learner's next day starts.
const SET: Record<CardAction, string> = {
  suspend: 'suspended = true',
  unsuspend: 'suspended = false',
  bury: `buried_until = (${nextDayStart('$2')})`,
  unbury: 'buried_until = null',
  flag: 'flag = $2',
}

/**
 * Applies one action to these cards, all or none: when any is not the learner's (RLS hides it), nothing
 * changes and the answer is 404 naming the missing ids.
 */
export async function applyCardAction(
  sql: Sql,
  ids: string[],
  action: CardAction,
  o: { now: Date; flag?: number },
) {
  const unique = [...new Set(ids)]
  const extra = action === 'bury' ? [o.now] : action === 'flag' ? [o.flag ?? 0] : []
  const rows = await sql<{ id: string }>(
    `update content.cards set ${SET[action]} where id = any($1::uuid[]) returning id`,
    [unique, ...extra],
  )
  if (rows.length < unique.length) {
    const found = new Set(rows.map((r) => r.id))
    throw new ApiError('NOT_FOUND', 'No such card', {
      missing: unique.filter((id) => !found.has(id)),
    })
  }
  return { updated: rows.length }
}
