import type { Sql } from '../db/db'
import { ApiError } from '../errors'

/** A deck's study options; a preset holds the same set under a name, for several decks. */
export type DeckOptions = {
  newPerDay: number
  reviewsPerDay: number
  desiredRetention: number
  maximumInterval: number
  leechThreshold: number
  leechAction: 'suspend' | 'tag'
  autoplay: boolean
  /** Siblings (cards of one note) are not studied on the same day. */
  burySiblings: boolean
}
// Each option's column, alike in content.decks and content.deck_presets.
const COLUMNS: Record<keyof DeckOptions, string> = {
  newPerDay: 'new_per_day',
  reviewsPerDay: 'reviews_per_day',
  desiredRetention: 'desired_retention',
  maximumInterval: 'maximum_interval',
  leechThreshold: 'leech_threshold',
  leechAction: 'leech_action',
  autoplay: 'autoplay',
  burySiblings: 'bury_siblings',
}
const NAMES = Object.keys(COLUMNS) as (keyof DeckOptions)[]

/** The options' columns as a row carries them (numeric arrives as text). */
export type DeckOptionsRow = {
  new_per_day: number
  reviews_per_day: number
  desired_retention: string | number
  maximum_interval: number
  leech_threshold: number
  leech_action: DeckOptions['leechAction']
  autoplay: boolean
  bury_siblings: boolean
}
export const optionsOf = (r: DeckOptionsRow): DeckOptions => ({
  newPerDay: r.new_per_day,
  reviewsPerDay: r.reviews_per_day,
  desiredRetention: Number(r.desired_retention),
  maximumInterval: r.maximum_interval,
  leechThreshold: r.leech_threshold,
  leechAction: r.leech_action,
  autoplay: r.autoplay,
  burySiblings: r.bury_siblings,
})

/** `col = $n, …` for the options given (numbered from `from`), with their values; empty when none is. */
export function setOptions(o: Partial<DeckOptions>, from: number) {
  const given = NAMES.filter((n) => o[n] !== undefined)
  return {
    set: given.map((n, i) => `${COLUMNS[n]} = $${from + i}`).join(', '),
    params: given.map((n) => o[n]),
  }
}

/** Copies a preset's options into the decks that use it, or into `deckId`, which then uses it. */
export async function copyPreset(sql: Sql, presetId: string, deckId?: string) {
  const cols = Object.values(COLUMNS).join(', ')
  const [found] = await sql(`select id from content.deck_presets where id = $1`, [presetId])
  if (!found) throw new ApiError('NOT_FOUND', 'No such preset')
  await sql(
    `update content.decks d set preset_id = p.id, (${cols}) = (select ${cols} from content.deck_presets where id = p.id)
     from content.deck_presets p where p.id = $1 and ${deckId ? 'd.id = $2' : 'd.preset_id = p.id'}`,
    deckId ? [presetId, deckId] : [presetId],
  )
}
