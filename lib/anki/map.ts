import { sniffMedia } from '../content/media'
import {
  ANKI_REVIEWS_FROM,
  ANKI_REVIEWS_SKEW_MS,
  DECK_NAME_MAX,
  IMPORT_YIELD_EVERY,
  MEDIA_MAX_BYTES,
} from '../content/limits'
import { cardsOf, type NoteFields, type NoteType } from '../content/note-types'
import { type CardLimits, cardSchemas, Tag } from '../content/schemas'
import type { AnkiCollection, AnkiNoteType } from './collection'
import type { AnkiPackage } from './package'
import { cleanText, fieldText } from './text'
import { yieldToEventLoop } from '../yield'

export type Skipped = {
  kind: 'deck' | 'noteType' | 'note' | 'card' | 'review' | 'media'
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
  noteTypeId: string // the Anki note type's
  deck: string
  type: NoteType
  fields: NoteFields
  tags: string[]
  image: string | null // media names in the package
  audio: string | null
  cards: PlannedCard[]
}
export type Plan = { notes(): Iterable<PlannedNote>; media: string[]; summary: Summary }

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

/** A deck's name as it is stored: levels trimmed, empty levels dropped ("Default" if none is left), cut. */
function deckName(anki: string) {
  const levels = anki
    .split('::')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
  return (levels.join('::') || 'Default').slice(0, DECK_NAME_MAX).trim()
}

/**
 * What the import will write: the summary (counts per deck and note type, every item left out or renamed with
 * its reason) and `notes()`, the planned notes read again from the open collection each time it is called, so
 * no more than one note is held at once. The dry run shows this summary and the job writes these notes: what a
 * dry run passes, the job can store. Reading and checking only; nothing is stored. Gives the event loop back
 * every IMPORT_YIELD_EVERY notes.
 */
export async function planImport(
  col: AnkiCollection,
  pkg: AnkiPackage,
  limits: Limits,
  now: number,
): Promise<Plan> {
  const skipped: Skipped[] = []
  const media = await checkMedia(pkg, skipped)
  const types = new Map([...col.noteTypes].map(([id, t]) => [id, { t, ...mapType(t) }]))
  const deckNames = new Map([...col.decks].map(([id, name]) => [id, deckName(name)]))
  for (const [id, name] of deckNames)
    if (name !== col.decks.get(id))
      skipped.push({
        kind: 'deck',
        id,
        reason: `renamed to "${name}" (blank levels dropped, at most ${DECK_NAME_MAX} characters)`,
      })
  const ctx = { types, decks: deckNames, media, limits, reviewsTo: now + ANKI_REVIEWS_SKEW_MS }
  const typeCounts = new Map<string, number>()
  const decks = new Map<string, DeckCounts>()
  const usedMedia = new Set<string>()
  let read = 0
  for (const n of planNotes(col, ctx, (s) => skipped.push(s))) {
    if (++read % IMPORT_YIELD_EVERY === 0) await yieldToEventLoop()
    typeCounts.set(n.noteTypeId, (typeCounts.get(n.noteTypeId) ?? 0) + 1)
    for (const m of [n.image, n.audio]) if (m) usedMedia.add(m)
    const d = decks.get(n.deck) ?? { notes: 0, cards: 0, reviews: 0, media: 0 }
    d.notes++
    d.cards += n.cards.length
    d.reviews += n.cards.reduce((s, c) => s + c.reviews.length, 0)
    d.media += (n.image ? 1 : 0) + (n.audio ? 1 : 0)
    decks.set(n.deck, d)
  }
  return {
    notes: () => planNotes(col, ctx, () => {}),
    media: [...usedMedia],
    summary: summarise(decks, types, typeCounts, skipped),
  }
}

type Limits = CardLimits & { CONTENT_MAX_CARDS_PER_DECK: number }
type MappedTypes = Map<string, { t: AnkiNoteType } & ReturnType<typeof mapType>>
type PlanContext = {
  types: MappedTypes
  decks: Map<string, string> // Anki deck id → stored name
  media: Map<string, 'image' | 'audio' | null>
  limits: Limits
  reviewsTo: number // the latest review time imported (ms)
}

function* planNotes(
  col: AnkiCollection,
  { types, decks, media, limits, reviewsTo }: PlanContext,
  skip: (s: Skipped) => void,
): Generator<PlannedNote> {
  const schemas = cardSchemas(limits).fields
  const deckCards = new Map<string, number>()
  for (const n of col.notes()) {
    const mapped = types.get(n.mid)
    const own = n.cards
    if (!mapped) {
      skip({ kind: 'note', id: n.id, reason: 'its note type is missing from the package' })
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
      skip({
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
        skip({
          kind: 'card',
          id: c.id,
          reason: `a ${mapped.t.name} note maps to ${mapped.type}, which makes no such card`,
        })
        continue
      }
      const revs: PlannedReview[] = []
      for (const r of c.revlog)
        if (!(r.id >= ANKI_REVIEWS_FROM && r.id <= reviewsTo))
          skip({
            kind: 'review',
            id: String(r.id),
            reason: `its time is not between ${new Date(ANKI_REVIEWS_FROM).getUTCFullYear()} and now`,
          })
        else if (r.ease >= 1 && r.ease <= 4 && r.type <= 3)
          revs.push({
            at: r.id,
            grade: r.ease,
            durationMs: Math.min(Math.max(r.time, 0), 3_600_000),
          })
        else skip({ kind: 'review', id: String(r.id), reason: 'a manual reschedule, not a review' })
      planned.push({ ord, suspended: c.queue === -1, reviews: revs })
    }
    if (!planned.length) continue
    const deck = decks.get(own[0].did) ?? 'Imported'
    const inDeck = (deckCards.get(deck) ?? 0) + planned.length
    if (inDeck > limits.CONTENT_MAX_CARDS_PER_DECK) {
      const max = limits.CONTENT_MAX_CARDS_PER_DECK
      skip({ kind: 'note', id: n.id, reason: `its deck ${deck} would pass ${max} cards` })
      continue
    }
    deckCards.set(deck, inDeck)
    const image = parts.flatMap((p) => p.images).find((m) => media.get(m) === 'image') ?? null
    const audio = parts.flatMap((p) => p.sounds).find((m) => media.get(m) === 'audio') ?? null
    for (const m of parts.flatMap((p) => [...p.images, ...p.sounds]))
      if (!media.has(m))
        skip({
          kind: 'media',
          id: m,
          reason: `note ${n.id} refers to it, but the package does not hold it`,
        })
    const tags = n.tags
      .split(/\s+/)
      .filter((t) => Tag.safeParse(t).success)
      .slice(0, limits.CONTENT_MAX_TAGS_PER_CARD)
    yield { noteTypeId: n.mid, deck, type: mapped.type, fields, tags, image, audio, cards: planned }
  }
}

/** Each media file's kind, or a skip with the reason: its type is read from its bytes, as for uploads. */
async function checkMedia(pkg: AnkiPackage, skipped: Skipped[]) {
  const kinds = new Map<string, 'image' | 'audio' | null>()
  for (const name of pkg.mediaNames) {
    const bytes = await pkg.media(name)
    const t = bytes && sniffMedia(bytes)
    kinds.set(name, null)
    if (cleanText(name) !== name)
      skipped.push({
        kind: 'media',
        id: cleanText(name),
        reason: 'its name holds control characters',
      })
    else if (!bytes)
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
  decks: Map<string, DeckCounts>,
  types: MappedTypes,
  typeCounts: Map<string, number>,
  skipped: Skipped[],
): Summary {
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
