import type { Api, Deck, DeckOptions, Preset } from '../api'

const pick = (o: DeckOptions): DeckOptions => ({
  newPerDay: o.newPerDay,
  reviewsPerDay: o.reviewsPerDay,
  desiredRetention: o.desiredRetention,
  maximumInterval: o.maximumInterval,
  leechThreshold: o.leechThreshold,
  leechAction: o.leechAction,
  autoplay: o.autoplay,
  burySiblings: o.burySiblings,
})

/**
 * A deck's options page: the deck, the learner's presets and the form. With a preset chosen the form edits
 * the preset (every deck using it follows); otherwise it edits the deck's own options.
 */
export class DeckOptionsPage {
  deck = $state<Deck | null>(null)
  presets = $state<Preset[]>([])
  form = $state<DeckOptions | null>(null)
  error = $state<unknown>(null)
  busy = $state(false)
  saved = $state<string | null>(null)
  readonly preset = $derived(this.presets.find((p) => p.id === this.deck?.presetId) ?? null)
  private api: Api
  readonly id: string
  constructor(api: Api, id: string) {
    this.api = api
    this.id = id
  }

  async load() {
    try {
      const [deck, { presets }] = await Promise.all([
        this.api.decks.get(this.id),
        this.api.presets.list(),
      ])
      this.presets = presets
      this.show(deck)
    } catch (err) {
      this.error = err
    }
  }
  private show(deck: Deck) {
    this.deck = deck
    this.form = pick(deck)
  }
  private async run(what: string, f: () => Promise<void>) {
    this.busy = true
    this.error = null
    this.saved = null
    try {
      await f()
      this.saved = what
    } catch (err) {
      this.error = err
    } finally {
      this.busy = false
    }
  }
  /** Saves the form: into the preset the deck uses, or as the deck's own options. */
  save() {
    return this.run('Saved.', async () => {
      const { preset, form } = this
      if (!form) return
      if (preset) {
        await this.api.presets.update(preset.id, pick(form))
        this.presets = (await this.api.presets.list()).presets
        this.show(await this.api.decks.get(this.id))
      } else this.show(await this.api.decks.update(this.id, pick(form)))
    })
  }
  /** The deck uses this preset (null: keeps the options as its own). */
  use(presetId: string | null) {
    return this.run(
      presetId ? 'The deck now uses this preset.' : 'The options are now the deck’s own.',
      async () => {
        this.show(await this.api.decks.update(this.id, { presetId }))
        this.presets = (await this.api.presets.list()).presets
      },
    )
  }
  /** A new preset from the form, which this deck then uses. */
  saveAs(name: string) {
    return this.run(`Saved as the preset “${name}”.`, async () => {
      const { form } = this
      if (!form) return
      const made = await this.api.presets.create({ name, ...pick(form) })
      this.show(await this.api.decks.update(this.id, { presetId: made.id }))
      this.presets = (await this.api.presets.list()).presets
    })
  }
  /** Deletes the preset in use; its decks keep its options as their own. */
  removePreset() {
    const preset = this.preset
    if (!preset) return
    return this.run(`Deleted the preset “${preset.name}”.`, async () => {
      await this.api.presets.remove(preset.id)
      this.presets = this.presets.filter((p) => p.id !== preset.id)
      this.show(await this.api.decks.get(this.id))
    })
  }
}
