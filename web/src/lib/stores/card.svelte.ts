import { MEDIA_MAX_BYTES } from '../../../../lib/content/limits'
import type { MediaKind } from '../../../../lib/content/media'
import { fieldsForType } from '../../../../lib/content/note-types'
import {
  type AiAction,
  type AiAnswer,
  type Api,
  ApiError,
  type Card,
  type CardChange,
  type CardInput,
  euros,
  type Note,
  type NoteFields,
  type NoteType,
} from '../api'

export const AI_ACTIONS: { action: AiAction; label: string; what: string }[] = [
  {
    action: 'translate',
    label: 'Translate',
    what: 'fills an empty back with a translation of the front, or proposes one',
  },
  {
    action: 'examples',
    label: 'Example sentences',
    what: 'adds example sentences at the chosen level to the ones there',
  },
  {
    action: 'explain',
    label: 'Explain',
    what: 'fills empty notes with meaning and usage, or proposes them',
  },
  { action: 'image', label: 'Make an image', what: 'draws a picture for the front' },
  { action: 'audio', label: 'Make audio', what: 'records the front read aloud' },
]
const FIELD = {
  back: 'back',
  notes: 'notes',
  examples: 'examples',
  imageKey: 'picture',
  audioKey: 'recording',
} as const
const tagsOf = (s: string) => s.split(/[\s,]+/).filter(Boolean)

export const MEDIA = {
  image: {
    name: 'picture',
    types: 'a PNG, JPEG or WebP image',
    accept: 'image/png,image/jpeg,image/webp',
  },
  audio: { name: 'sound', types: 'an audio file (MP3, OGG, WAV, M4A…)', accept: 'audio/*' },
} as const
const isLoss = (d: unknown): d is { cards: number; reviews: number } =>
  !!d && typeof d === 'object' && 'cards' in d && 'reviews' in d
const MB = (bytes: number) => `${bytes / 1024 / 1024} MB`

const same = (a: NoteFields, b: NoteFields) =>
  Object.keys({ ...a, ...b }).every((k) => (a[k] ?? '') === (b[k] ?? ''))

/**
 * One card's page: the card and its note, the learner's unsaved form (the note's type, fields and tags, the
 * card's own notes), AI answers and proposals, and the change history.
 */
export class CardPage {
  card = $state<Card | null>(null)
  note = $state<Note | null>(null)
  form = $state({ type: 'basic' as NoteType, fields: {} as NoteFields, notes: '', tags: '' })
  history = $state<CardChange[]>([])
  prices = $state<Record<AiAction, { atMost: number }> | null>(null)
  /** The deck's language: what the audio action reads the front in. */
  language = $state<string | null>(null)
  proposal = $state<(NonNullable<AiAnswer['proposal']> & { label: string }) | null>(null)
  error = $state<unknown>(null)
  actionError = $state<unknown>(null)
  notice = $state<string | null>(null)
  running = $state<string | null>(null)
  /** The action the notice or the error is about (shown beside its own form). */
  lastAction = $state<string | null>(null)
  /** Whether the form holds edits the card does not have. */
  readonly dirty = $derived.by(() => {
    const { card: c, note: n, form: f } = this
    return (
      !!c &&
      !!n &&
      (f.type !== n.type ||
        !same(f.fields, n.fields) ||
        f.notes !== c.notes ||
        f.tags !== c.tags.join(' '))
    )
  })

  private api: Api
  readonly id: string
  constructor(api: Api, id: string) {
    this.api = api
    this.id = id
  }

  private async show(c: Card) {
    const note = await this.api.notes.get(c.noteId)
    this.card = c
    this.note = note
    this.form = {
      type: note.type,
      fields: { ...note.fields },
      notes: c.notes,
      tags: c.tags.join(' '),
    }
  }
  /** Picks another type in the form: its fields, mapped from the form's (or the note's own, back to its type). */
  pickType(type: NoteType) {
    const { note, form } = this
    if (!note) return
    form.fields =
      type === note.type ? { ...note.fields } : fieldsForType(form.type, type, form.fields)
    form.type = type
  }
  async load() {
    try {
      const [card, history] = await Promise.all([
        this.api.cards.get(this.id),
        this.api.cards.history(this.id),
      ])
      await this.show(card)
      this.history = history.items
      this.api.decks.get(card.deckId).then(
        (d) => (this.language = d.sourceLang),
        () => null,
      )
    } catch (err) {
      this.error = err
    }
    this.api.cards.prices().then(
      (p) => (this.prices = p.actions),
      () => (this.prices = null),
    )
  }
  private async act(name: string, f: () => Promise<string | null>) {
    this.running = name
    this.lastAction = name
    this.actionError = null
    this.notice = null
    try {
      this.notice = await f()
      if (this.card) this.history = (await this.api.cards.history(this.id)).items
      return true
    } catch (err) {
      this.actionError = err
      return false
    } finally {
      this.running = null
    }
  }
  private change(b: CardInput) {
    return this.api.cards.update(this.id, b).then((c) => this.show(c))
  }
  /**
   * Saves the form: the note's type (after `confirmLoss` agrees to the cards and reviews it would delete), its
   * fields and tags, then this card's own notes. Answers the card to go to when the new type dropped this one.
   */
  save = (confirmLoss: (cards: number, reviews: number) => boolean) => {
    let moved: string | null = null
    const done = this.act('save', async () => {
      const { note, form, card } = this
      if (!note || !card) return null
      const tags = tagsOf(form.tags)
      let saved = note
      if (form.type !== note.type) {
        const change = { type: form.type, fields: form.fields }
        try {
          saved = await this.api.notes.changeType(note.id, change)
        } catch (err) {
          const lost = err instanceof ApiError && err.code === 'CONFLICT' ? err.details : null
          if (!isLoss(lost)) throw err
          if (!confirmLoss(lost.cards, lost.reviews))
            return 'Nothing changed: the type is as it was.'
          saved = await this.api.notes.changeType(note.id, { ...change, confirm: true })
        }
      }
      if (!same(form.fields, saved.fields) || form.tags !== card.tags.join(' '))
        saved = await this.api.notes.update(note.id, { fields: form.fields, tags })
      const mine = saved.cards.find((c) => c.id === card.id)
      if (!mine) {
        moved = saved.cards[0]?.id ?? null
        this.card = null // gone with the old type: the page moves to a sibling
      } else if (form.notes !== mine.notes)
        await this.api.cards.update(card.id, { notes: form.notes })
      if (mine) await this.show(await this.api.cards.get(card.id))
      return 'Saved. You can undo it under Changes.'
    })
    return done.then((ok) => ({ ok, moved }))
  }
  /** Runs an AI action on the saved card: call `save()` first when the form is dirty. */
  runAi = (action: AiAction, level: string) =>
    this.act(action, async () => {
      const label = AI_ACTIONS.find((a) => a.action === action)?.label ?? action
      const r = await this.api.cards.ai(
        this.id,
        action,
        action === 'examples' ? { level, n: 3 } : {},
      )
      await this.show(r.card)
      this.proposal = r.proposal && { ...r.proposal, label }
      const cost = `cost ${euros(r.cost)}`
      if (r.applied)
        return `${label}: ${r.applied === 'examples' ? 'added examples' : `filled the empty ${FIELD[r.applied]}`} (${cost}). Undo it under Changes.`
      if (r.proposal)
        return `${label}: see the proposal below; your ${FIELD[r.proposal.field]} is unchanged (${cost}).`
      return `${label}: nothing new for this card (${cost}).`
    })
  /** Takes the proposal: instead of the field's value, or added below it. */
  accept = (how: 'replace' | 'add') =>
    this.act('accept', async () => {
      const { proposal: p, card } = this
      if (!p || !card) return null
      const value =
        how === 'replace'
          ? p.value
          : p.field === 'examples'
            ? [...card.examples, ...(p.value as typeof card.examples)]
            : `${card[p.field as 'back' | 'notes']}\n${p.value as string}`
      await this.change({ [p.field]: value })
      this.proposal = null
      return `${p.label}: proposal taken. Undo it under Changes.`
    })
  discard = () => void (this.proposal = null)
  undo = (entry: CardChange) =>
    this.act('undo', async () => {
      await this.show(await this.api.cards.restore(this.id, entry.id))
      return 'Undone: the card is as it was before that change.'
    })
  /** Puts the learner's own picture or sound on the card (the server checks its content too). */
  upload = (file: File, kind: MediaKind) =>
    this.act('upload', async () => {
      const what = MEDIA[kind]
      if (file.type && !file.type.startsWith(`${kind}/`))
        throw new Error(`${file.name} is not a ${what.name}: choose ${what.types}`)
      if (file.size > MEDIA_MAX_BYTES[kind])
        throw new Error(
          `${file.name} is too large: a ${what.name} may be at most ${MB(MEDIA_MAX_BYTES[kind])}`,
        )
      await this.show(await this.api.cards.upload(this.id, file))
      return `Added your ${what.name}. Undo it under Changes.`
    })
  /** Takes the picture or sound off the card (kept under Changes). */
  removeMedia = (field: 'imageKey' | 'audioKey') =>
    this.act('upload', async () => {
      await this.change({ [field]: null })
      return `Removed the ${FIELD[field]}. Undo it under Changes.`
    })
  /** Shows the card again after a change made elsewhere (suspend, bury, flag), with what was done. */
  refresh = (what: string) =>
    this.act('state', async () => {
      await this.show(await this.api.cards.get(this.id))
      return what
    })
  remove = async () => {
    await this.api.cards.remove(this.id)
  }
}
