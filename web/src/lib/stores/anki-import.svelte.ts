import { type AnkiSummary, type Api, ApiError, type Deck, type ImportJob } from '../api'

const POLL_MS = 1000
const LAST_JOB = 'ld_anki_import' // the job this tab started, kept over a reload

/**
 * The Anki import page: a package checked by a dry run, then imported as a job on the server that this
 * follows (about once a second) until it is done or failed. Every action refuses to start while another
 * runs, checked before the first await, so a double click sends one request.
 */
export class AnkiImport {
  file = $state<File | null>(null)
  /** What is being sent (the dry run, or the import), and the fraction of the file sent so far. */
  sending = $state<{ what: 'check' | 'import'; sent: number } | null>(null)
  summary = $state<AnkiSummary | null>(null)
  job = $state<ImportJob | null>(null)
  /** The learner's decks an import that is done created or filled (matched by name). */
  decks = $state<Deck[] | null>(null)
  error = $state<unknown>(null)
  readonly running = $derived(this.job?.state === 'running')
  private api: Api
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  constructor(api: Api) {
    this.api = api
  }

  /**
   * After a reload: follows a job still running (this tab's, or another's), or shows how the one this tab
   * started ended.
   */
  async resume() {
    try {
      const { jobs } = await this.api.imports.list()
      const mine = sessionStorage.getItem(LAST_JOB)
      const found = jobs.find((j) => j.state === 'running') ?? jobs.find((j) => j.id === mine)
      if (found && !this.job && !this.sending) this.follow(found)
    } catch (err) {
      this.error = err
    }
  }

  /** A dry run: what the package holds, and what would be skipped and why. Nothing is stored. */
  check(file: File) {
    if (this.sending || this.running) return
    this.file = file
    this.summary = this.job = this.decks = null
    return this.send('check', async (onUpload) => {
      this.summary = (await this.api.imports.anki(file, file.name, true, onUpload)).summary
    })
  }

  /** The same file again, for real: the answer is the job that imports it. */
  start() {
    const file = this.file
    if (!file || !this.summary || this.sending || this.job) return
    return this.send('import', async (onUpload) => {
      const { job } = await this.api.imports.anki(file, file.name, false, onUpload)
      sessionStorage.setItem(LAST_JOB, job.id)
      this.follow(job)
      this.summary = null
    })
  }

  /** Stops following (the page is left); the job goes on on the server. */
  stop() {
    this.stopped = true
    clearTimeout(this.timer)
  }

  private async send(
    what: 'check' | 'import',
    f: (onUpload: (f: number) => void) => Promise<void>,
  ) {
    this.sending = { what, sent: 0 }
    this.error = null
    try {
      await f((sent) => (this.sending = { what, sent }))
    } catch (err) {
      this.error = err
    } finally {
      this.sending = null
    }
  }

  private follow(job: ImportJob) {
    this.job = job
    if (job.state === 'done') void this.findDecks(job.summary)
    if (job.state !== 'running' || this.stopped) return
    this.timer = setTimeout(async () => {
      try {
        this.follow((await this.api.imports.get(job.id)).job)
        this.error = null
      } catch (err) {
        this.error = err
        // A lost answer or a busy server is passing: ask again. Any other refusal would repeat.
        if (
          !(err instanceof ApiError) ||
          err.status === 0 ||
          err.status === 429 ||
          err.status >= 500
        )
          this.follow(job)
      }
    }, POLL_MS)
  }

  private async findDecks(summary: AnkiSummary) {
    const names = summary.decks.map((d) => d.name)
    try {
      this.decks = (await this.api.decks.list()).decks.filter((d) => names.includes(d.name))
    } catch (err) {
      this.error = err
    }
  }
}
