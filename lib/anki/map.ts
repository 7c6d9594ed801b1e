import { sniffMedia } from '../content/media'
import { MEDIA_MAX_BYTES } from '../content/limits'
import { cardsOf, type NoteFields, type NoteType } from '../content/note-types'
import { type CardLimits, cardSchemas, Tag } from '../content/schemas'
import type { AnkiCollection, AnkiNoteType } from './collection'
import type { AnkiPackage } from './package'
import { fieldText } from './text'

export type Skipped = {
  kind: 'noteType' | 'note' | 'card' | 'review' | 'media'
  id: string
  reason: string
}
export type DeckCounts = { notes: number; cards: number; reviews: number; media: number }
export type Summary = {
  decks: ({ name: string } & DeckCounts)[]
  noteTypes: { name: string; mappedTo: NoteType; notes: number }[]
  totals: { decks: number } & DeckCounts
  skipped: Skipped[]
}
export type PlannedReview = { at: number; grade: number; durationMs: number }
export type PlannedCard = { ord: number; suspended: boolean; reviews: PlannedReview[] }
export type PlannedNote = {
  deck: string
  type: NoteType
  fields: NoteFields
  tags: string[]
  image: string | null // media names in the package
  audio: string | null
  cards: PlannedCard[]
}
export type Plan = { notes: PlannedNote[]; media: string[]; summary: Summary }

/** Which of our types an Anki note type becomes, and how its fields and card ords carry over. */
function mapType(t: AnkiNoteType): { type: NoteType; card: (ord: number) => number | null } {
  const same = (ord: number) => ord
  if (t.cloze) return { type: 'cloze', card: (ord) => ord + 1 } // Anki's cloze ord n is c(n+1)
  const [q0 = '', q1 = ''] = t.templates.map((x) => x.qfmt)
  if (t.fields.length === 2 && t.templates.length === 1 && q0.includes('{{type:'))
    return { type: 'typed', card: (ord) => (ord === 0 ? 0 : null) }
  if (t.fields.length === 3 && t.templates.length === 2 && q1.includes('{{#'))
    return { type: 'optional-reversed', card: same }
  if (t.fields.length === 2 && t.templates.length === 2) return { type: 'reversed', card: same }
  return { type: 'basic', card: (ord) => (ord === 0 ? 0 : null) }
}

/** Our fields from the Anki note's texts: any other type keeps every field, the first as the front. */
function fieldsOf(type: NoteType, texts: string[]): NoteFields {
  const [a = '', b = '', c = ''] = texts
  if (type === 'cloze') return { text: a, backExtra: texts.slice(1).join('\n').trim() }
  if (type === 'optional-reversed') return { front: a, back: b, addReverse: c }
  return { front: a, back: texts.slice(1).filter(Boolean).join('\n') }
}

/**
 * What the import will write: the notes of every mappable note type with their cards, reviews and media, and
 * every item left out with its reason. Reading and checking only; nothing is stored.
 */
export function planImport(
  col: AnkiCollection,
  pkg: AnkiPackage,
  limits: CardLimits & { CONTENT_MAX_CARDS_PER_DECK: number },
): Plan {
  const skipped: Skipped[] = []
  const schemas = cardSchemas(limits).fields
  const media = checkMedia(pkg, skipped)
  const types = new Map([...col.noteTypes].map(([id, t]) => [id, { t, ...mapType(t) }]))
  const typeCounts = new Map<string, number>()
  const reviews = groupBy(col.revlog, (r) => r.cid)
  const cards = groupBy(col.cards, (c) => c.nid)
  const notes: PlannedNote[] = []
  const usedMedia = new Set<string>()
  const deckCards = new Map<string, number>()
  for (const n of col.notes) {
    const mapped = types.get(n.mid)
    const own = cards.get(n.id) ?? []
    if (!mapped) {
      skipped.push({ kind: 'note', id: n.id, reason: 'its note type is missing from the package' })
      continue
    }
    const parts = n.flds.split('\x1f').map(fieldText)
    const parsed = schemas[mapped.type].safeParse(
      fieldsOf(
        mapped.type,
        parts.map((p) => p.text),
      ),
    )
    if (!parsed.success || !own.length) {
      const why = parsed.success ? 'it has no cards' : parsed.error.issues[0].message
      skipped.push({
        kind: 'note',
        id: n.id,
        reason: `${parsed.success ? '' : `${parsed.error.issues[0].path.join('.')} `}${why}`,
      })
      continue
    }
    const fields = parsed.data as NoteFields
    const ords = new Set(cardsOf(mapped.type, fields).map((c) => c.ord))
    const planned: PlannedCard[] = []
    for (const c of own) {
      const ord = mapped.card(c.ord)
      if (ord === null || !ords.has(ord)) {
        skipped.push({
          kind: 'card',
          id: c.id,
          reason: `a ${mapped.t.name} note maps to ${mapped.type}, which makes no such card`,
        })
        continue
      }
      const revs: PlannedReview[] = []
      for (const r of reviews.get(c.id) ?? [])
        if (r.ease >= 1 && r.ease <= 4 && r.type <= 3)
          revs.push({
            at: r.id,
            grade: r.ease,
            durationMs: Math.min(Math.max(r.time, 0), 3_600_000),
          })
        else
          skipped.push({
            kind: 'review',
            id: String(r.id),
            reason: 'a manual reschedule, not a review',
          })
      planned.push({ ord, suspended: c.queue === -1, reviews: revs })
    }
    if (!planned.length) continue
    const deck = col.decks.get(own[0].did) ?? 'Imported'
    const inDeck = (deckCards.get(deck) ?? 0) + planned.length
    if (inDeck > limits.CONTENT_MAX_CARDS_PER_DECK) {
      const max = limits.CONTENT_MAX_CARDS_PER_DECK
      skipped.push({ kind: 'note', id: n.id, reason: `its deck ${deck} would pass ${max} cards` })
      continue
    }
    deckCards.set(deck, inDeck)
    const image = parts.flatMap((p) => p.images).find((m) => media.get(m) === 'image') ?? null
    const audio = parts.flatMap((p) => p.sounds).find((m) => media.get(m) === 'audio') ?? null
    for (const m of [image, audio]) if (m) usedMedia.add(m)
    for (const m of parts.flatMap((p) => [...p.images, ...p.sounds]))
      if (!media.has(m))
        skipped.push({
          kind: 'media',
          id: m,
          reason: `note ${n.id} refers to it, but the package does not hold it`,
        })
    const tags = n.tags
      .split(/\s+/)
      .filter((t) => Tag.safeParse(t).success)
      .slice(0, limits.CONTENT_MAX_TAGS_PER_CARD)
    typeCounts.set(n.mid, (typeCounts.get(n.mid) ?? 0) + 1)
    notes.push({
      deck,
      type: mapped.type,
      fields,
      tags,
      image,
      audio,
      cards: planned,
    })
  }
  return { notes, media: [...usedMedia], summary: summarise(notes, types, typeCounts, skipped) }
}

/** Each media file's kind, or a skip with the reason: its type is read from its bytes, as for uploads. */
function checkMedia(pkg: AnkiPackage, skipped: Skipped[]) {
  const kinds = new Map<string, 'image' | 'audio' | null>()
  for (const name of pkg.mediaNames) {
    const bytes = pkg.media(name)
    const t = bytes && sniffMedia(bytes)
    kinds.set(name, null)
    if (!bytes)
      skipped.push({ kind: 'media', id: name, reason: 'listed but missing from the package' })
    else if (!t)
      skipped.push({ kind: 'media', id: name, reason: 'not an image or sound this app plays' })
    else if (bytes.length > MEDIA_MAX_BYTES[t.kind])
      skipped.push({
        kind: 'media',
        id: name,
        reason: `over ${MEDIA_MAX_BYTES[t.kind] / 1024 / 1024} MB`,
      })
    else kinds.set(name, t.kind)
  }
  return kinds
}

function summarise(
  notes: PlannedNote[],
  types: Map<string, { t: AnkiNoteType; type: NoteType }>,
  typeCounts: Map<string, number>,
  skipped: Skipped[],
): Summary {
  const decks = new Map<string, DeckCounts>()
  for (const n of notes) {
    const d = decks.get(n.deck) ?? { notes: 0, cards: 0, reviews: 0, media: 0 }
    d.notes++
    d.cards += n.cards.length
    d.reviews += n.cards.reduce((s, c) => s + c.reviews.length, 0)
    d.media += (n.image ? 1 : 0) + (n.audio ? 1 : 0)
    decks.set(n.deck, d)
  }
  const perDeck = [...decks].map(([name, d]) => ({ name, ...d }))
  const sum = (k: keyof DeckCounts) => perDeck.reduce((s, d) => s + d[k], 0)
  return {
    decks: perDeck,
    noteTypes: [...types].map(([id, m]) => ({
      name: m.t.name,
      mappedTo: m.type,
      notes: typeCounts.get(id) ?? 0,
    })),
    totals: {
      decks: perDeck.length,
      notes: sum('notes'),
      cards: sum('cards'),
      reviews: sum('reviews'),
      media: sum('media'),
    },
    skipped,
  }
}

function groupBy<T>(rows: T[], key: (row: T) => string) {
  const map = new Map<string, T[]>()
  for (const r of rows) {
    const k = key(r)
    const list = map.get(k)
    if (list) list.push(r)
    else map.set(k, [r])
  }
  return map
}
