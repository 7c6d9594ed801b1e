import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ankiPackage, smallModel } from '../../test/anki-package'
import { APP, type BrowserPlatform, browserPlatform } from './harness'

const MAX_BYTES = 1_000_000 // the platform's package limit here, so a too-large file is quick to make

let t: BrowserPlatform
beforeAll(
  async () => void (t = await browserPlatform({ ANKI_IMPORT_MAX_BYTES: String(MAX_BYTES) })),
  300_000, // npm start builds the SPA and starts every role: minutes on a loaded machine
)
afterAll(() => t?.close())

describe('Anki import in a real browser', () => {
  it('checks a package, imports it once however often Import is clicked, finds the job after a reload, and studies a card of it', async () => {
    const { page, shoot, signUp } = t
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    const imports: string[] = []
    page.on('request', (r) => r.url().includes('dryRun=false') && imports.push(r.method()))
    await signUp('Ana', `anki.${Date.now()}@example.com`, 'a long learner passphrase')
    // Sign-up goes Home again once it has saved the time zone: a fresh load leaves nothing pending.
    await page.goto(APP)
    await page.getByRole('heading', { name: 'Your decks' }).waitFor()
    await page.getByRole('link', { name: 'Import from Anki' }).click()
    await page.getByRole('heading', { name: 'Import from Anki' }).waitFor()
    expect(await shoot('anki-import')).toEqual([])

    // The upload is slowed to about ten seconds: its progress bar shows on the way.
    const bytes = await ankiPackage(smallModel())
    const cdp = await page.context().newCDPSession(page)
    const throttle = (uploadThroughput: number) =>
      cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput,
      })
    await cdp.send('Network.enable')
    await throttle(bytes.length / 10)
    const checked = page.waitForResponse((r) => r.url().includes('dryRun=true'), {
      timeout: 60_000,
    })
    await page.getByLabel('Anki package').setInputFiles({
      name: 'spanish.apkg',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes),
    })
    await page.getByRole('progressbar', { name: /^Sending spanish\.apkg: \d+ %$/ }).waitFor()
    const { summary } = await (await checked).json()
    await throttle(-1)

    // The dry run: totals, every deck with its counts, every note type with what it becomes.
    await page.getByRole('heading', { name: 'What spanish.apkg holds' }).waitFor()
    expect(summary.totals).toMatchObject({ notes: 4, cards: 6, reviews: 4, media: 2 })
    const decks = page.getByRole('table', { name: 'In the package: decks' })
    for (const d of summary.decks as { name: string; cards: number }[])
      expect(await decks.getByRole('row', { name: d.name }).innerText()).toContain(String(d.cards))
    const types = page.getByRole('table', { name: 'In the package: note types' })
    expect(await types.getByRole('row', { name: 'Vocabulary' }).innerText()).toContain('Basic')
    expect(await shoot('anki-import-check')).toEqual([])

    // A double click starts one import; a reload finds the job again and follows it to its end.
    await page.getByRole('button', { name: 'Import', exact: true }).dblclick()
    await page.getByRole('heading', { name: 'Import of spanish.apkg' }).waitFor()
    await page.reload()
    await page.getByRole('heading', { name: 'Import of spanish.apkg' }).waitFor()
    await page.getByText('Imported 4 notes (6 cards) with 4 reviews').waitFor()
    expect(imports).toEqual(['POST'])
    expect(await shoot('anki-import-done')).toEqual([])

    const deck = summary.decks.find((d: { name: string }) => d.name.includes('Verbs')).name
    await page.getByRole('link', { name: deck, exact: true }).click()
    await page.getByRole('heading', { name: deck }).waitFor()
    await page.getByRole('link', { name: 'Study this deck' }).click()
    await page.getByText(/^Card 1 of \d+$/).waitFor()
    await page.keyboard.press('Space')
    await page.keyboard.press('3')
    await page.getByText(/^Card 2 of \d+$|^Session complete$/).waitFor()
    expect(errors).toEqual([])
  })

  it('says what is wrong with a file that is no package or is too large, and imports nothing', async () => {
    const { page, shoot } = t
    await page.goto(`${APP}/#/`)
    await page.getByRole('heading', { name: 'Your decks' }).waitFor()
    // The heading comes before the list is fetched: wait for the decks the first test imported.
    await expect.poll(() => page.locator('ul.decks li').count()).toBeGreaterThan(0)
    const decks = await page.locator('ul.decks li').count()
    await page.getByRole('link', { name: 'Import from Anki' }).click()
    const file = page.getByLabel('Anki package')
    await file.setInputFiles({
      name: 'notes.apkg',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('these are my notes, not a zip file'),
    })
    const alert = page.getByRole('alert')
    await expect
      .poll(() => alert.innerText(), { timeout: 60_000 })
      .toMatch(/\.apkg.*\.colpkg.*Nothing was imported/s)
    expect(await shoot('anki-import-bad')).toEqual([])

    await file.setInputFiles({
      name: 'huge.colpkg',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(MAX_BYTES + 1),
    })
    await expect
      .poll(() => alert.innerText(), { timeout: 60_000 })
      .toMatch(/Packages up to 1 MB are accepted/)
    expect(await page.getByRole('heading', { name: /^What / }).count()).toBe(0)
    await t.nav('Decks').click()
    await page.getByRole('heading', { name: 'Your decks' }).waitFor()
    await expect.poll(() => page.locator('ul.decks li').count()).toBe(decks) // an empty list until fetched
  })
})
