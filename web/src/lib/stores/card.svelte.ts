import { MEDIA_MAX_BYTES, UPLOAD_MAX_BYTES } from '../../../../lib/content/limits'
import {
  type AiAction,
  type AiAnswer,
  type Api,
  type Card,
  type CardChange,
  type CardInput,
  euros,
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

const MB = (bytes: number) => `${bytes / 1024 / 1024} MB`

/** One card's page: the card, the learner's unsaved form, AI answers and proposals, and the change history. */
export class CardPage {
  card = $state<Card | null>(null)
  form = $state({ front: '', back: '', notes: '', tags: '' })
  history = $state<CardChange[]>([])
  prices = $state<Record<AiAction, { atMost: number }> | null>(null)
  /** The deck's language: what the audio action reads the front in. */
  language = $state<string | null>(null)
  proposal = $state<(NonNullable<AiAnswer['proposal']> & { label: string }) | null>(null)
  error = $state<unknown>(null)
  actionError = $state<unknown>(null)
  note = $state<string | null>(null)
  running = $state<string | null>(null)
  /** The action the note or the error is about (shown beside its own form). */
  lastAction = $state<string | null>(null)
  /** Whether the form holds edits the card does not have. */
  readonly dirty = $derived.by(() => {
    const c = this.card
    return (
      !!c &&
      (this.form.front !== c.front ||
        this.form.back !== c.back ||
        this.form.notes !== c.notes ||
        this.form.tags !== c.tags.join(' '))
    )
  })

  private api: Api
  readonly id: string
  constructor(api: Api, id: string) {
    this.api = api
    this.id = id
  }

  private show(c: Card) {
    this.card = c
    this.form = { front: c.front, back: c.back, notes: c.notes, tags: c.tags.join(' ') }
  }
  async load() {
    try {
      const [card, history] = await Promise.all([
        this.api.cards.get(this.id),
        this.api.cards.history(this.id),
      ])
      this.show(card)
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
    this.note = null
    try {
      this.note = await f()
      this.history = (await this.api.cards.history(this.id)).items
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
  save = () =>
    this.act('save', async () => {
      const { front, back, notes, tags } = this.form
      await this.change({ front, back, notes, tags: tagsOf(tags) })
      return 'Saved. You can undo it under Changes.'
    })
  /** Runs an AI action on the saved card: call `save()` first when the form is dirty. */
  runAi = (action: AiAction, level: string) =>
    this.act(action, async () => {
      const label = AI_ACTIONS.find((a) => a.action === action)?.label ?? action
      const r = await this.api.cards.ai(
        this.id,
        action,
        action === 'examples' ? { level, n: 3 } : {},
      )
      this.show(r.card)
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
      this.show(await this.api.cards.restore(this.id, entry.id))
      return 'Undone: the card is as it was before that change.'
    })
  /** Puts the learner's own picture or sound on the card (the server tells which by its content). */
  upload = (file: File) =>
    this.act('upload', async () => {
      if (file.size > UPLOAD_MAX_BYTES)
        throw new Error(
          `${file.name} is too large: a sound may be at most ${MB(MEDIA_MAX_BYTES.audio)}, a picture ${MB(MEDIA_MAX_BYTES.image)}`,
        )
      const card = await this.api.cards.upload(this.id, file)
      const field = card.imageKey !== this.card?.imageKey ? 'picture' : 'sound'
      this.show(card)
      return `Added your ${field}. Undo it under Changes.`
    })
  /** Takes the picture or sound off the card (kept under Changes). */
  removeMedia = (field: 'imageKey' | 'audioKey') =>
    this.act('upload', async () => {
      await this.change({ [field]: null })
      return `Removed the ${FIELD[field]}. Undo it under Changes.`
    })
  remove = async () => {
    await this.api.cards.remove(this.id)
  }
}
