import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import {
  copyPreset,
  type DeckOptions,
  type DeckOptionsRow,
  optionsOf,
  setOptions,
} from './deck-options'

export type Preset = DeckOptions & { id: string; name: string; deckCount: number }
type PresetRow = DeckOptionsRow & { id: string; name: string; deck_count?: string }
const toPreset = (r: PresetRow): Preset => ({
  id: r.id,
  name: r.name,
  ...optionsOf(r),
  deckCount: Number(r.deck_count ?? 0),
})
const WITH_COUNT = `select p.*, (select count(*) from content.decks d where d.preset_id = p.id) as deck_count
  from content.deck_presets p`

export const MAX_PRESETS = 100

export async function listPresets(sql: Sql) {
  return (await sql<PresetRow>(`${WITH_COUNT} order by p.name, p.id limit ${MAX_PRESETS}`)).map(
    toPreset,
  )
}

export async function getPreset(sql: Sql, id: string) {
  const [row] = await sql<PresetRow>(`${WITH_COUNT} where p.id = $1`, [id])
  return row ? toPreset(row) : null
}

// One name per learner: the unique index answers for two requests at once, as a clear 409.
const nameTaken = (err: { code?: string }) => {
  if (err.code === '23505') throw new ApiError('CONFLICT', 'A preset with this name exists')
  throw err
}

/** A new preset: the options given, the rest at their defaults. */
export async function createPreset(sql: Sql, p: Partial<DeckOptions> & { name: string }) {
  const [{ n }] = await sql<{ n: string }>(`select count(*) as n from content.deck_presets`)
  if (Number(n) >= MAX_PRESETS)
    throw new ApiError('BAD_REQUEST', `At most ${MAX_PRESETS} presets`, { max: MAX_PRESETS })
  const [{ id }] = await sql<{ id: string }>(
    `insert into content.deck_presets (name) values ($1) returning id`,
    [p.name],
  ).catch(nameTaken)
  await updatePreset(sql, id, { ...p, name: undefined })
  return id
}

/** Renames a preset or changes its options; the decks that use it take the new options at once. */
export async function updatePreset(
  sql: Sql,
  id: string,
  p: Partial<DeckOptions> & { name?: string },
) {
  const options = setOptions(p, 3)
  const rows = await sql(
    `update content.deck_presets set name = coalesce($2, name)${options.set ? `, ${options.set}` : ''}
     where id = $1 returning id`,
    [id, p.name ?? null, ...options.params],
  ).catch(nameTaken)
  if (!rows.length) return false
  if (options.set) await copyPreset(sql, id)
  return true
}

/** The decks that used it keep its options as their own. */
export async function deletePreset(sql: Sql, id: string) {
  return (await sql(`delete from content.deck_presets where id = $1 returning id`, [id])).length > 0
}
