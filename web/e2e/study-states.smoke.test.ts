import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { png } from '../../lib/ai/media'
import { type BrowserPlatform, browserPlatform } from './harness'

// Issue 18 (second half) as a learner meets it: deck options with a leech threshold of one lapse, suspend and
// bury from the card list and in study, flags, a leech made by forgetting a card reviewed ahead, and own media.
let t: BrowserPlatform
beforeAll(async () => void (t = await browserPlatform()), 120_000)
afterAll(() => t?.close())

describe('studying like Anki in a real browser', () => {
  it('suspends, buries, flags, catches a leech and takes the learner’s own picture', async () => {
    const { page, shoot, signUp } = t
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await signUp('Ada', `states.${Date.now()}@example.com`, 'a long careful passphrase')
    await page.getByRole('button', { name: 'Add the sample deck' }).click()
    await page.getByRole('heading', { name: 'Sample: German basics' }).waitFor()
    await expect.poll(() => page.locator('ul.cards li').count()).toBe(8)
    const deckUrl = page.url().replace(/\?.*$/, '')
    const rows = page.locator('ul.cards li')
    const fronts = await rows.locator('a strong').allTextContents()

    // Options: a leech after one lapse, kept in a preset.
    await page.getByRole('link', { name: 'Options', exact: true }).click()
    await page.getByLabel('Leech threshold (lapses)').fill('1')
    await page.getByRole('button', { name: 'Save options' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    await page.getByLabel('Save these options as a new preset').fill('Strict')
    await page.getByRole('button', { name: 'Save as preset' }).click()
    await page.getByText('Saved as the preset “Strict”.').waitFor()
    expect(await page.getByLabel('Options from').inputValue()).not.toBe('')
    expect(await shoot('deck-options')).toEqual([])

    // Two cards suspended from the list; the filter shows them.
    await page.goto(deckUrl)
    await expect.poll(() => rows.count()).toBe(8)
    for (const front of fronts.slice(0, 2)) await page.getByLabel(`Tick ${front}`).check()
    await page.getByRole('button', { name: 'Suspend', exact: true }).click()
    await page.getByText('2 cards suspended.').waitFor()
    await page.getByLabel('Cards to show').selectOption('suspended')
    await expect.poll(() => rows.locator('a strong').allTextContents()).toEqual(fronts.slice(0, 2))
    expect(await rows.locator('.badge').allTextContents()).toEqual(['suspended', 'suspended'])
    expect(await shoot('deck-suspended')).toEqual([])

    // Study: f flags, b buries, 4 learns the next one for days.
    await page.getByRole('link', { name: 'Study this deck' }).click()
    await page.getByRole('heading', { name: 'Study', exact: true }).waitFor()
    await page.getByText(fronts[2], { exact: true }).waitFor()
    await page.keyboard.press('f')
    await page.getByText('Flag: red').waitFor()
    await page.keyboard.press('b')
    await page.getByText(`Buried “${fronts[2]}” until tomorrow.`).waitFor()
    await page.getByText(fronts[3], { exact: true }).waitFor()
    await page.keyboard.press(' ')
    await page.keyboard.press('4')
    await page.getByText(fronts[4], { exact: true }).waitFor()
    expect(await shoot('study-actions')).toEqual([])

    // Custom study: reviewing ahead brings the learnt card back; forgetting it makes it a leech.
    await page.goto(deckUrl)
    await page.getByLabel('Review what falls due in the next (days)').fill('60')
    await page.getByRole('button', { name: 'Review ahead' }).click()
    await page.getByRole('heading', { name: 'Review ahead: 60 days' }).waitFor()
    await page.getByText(fronts[3], { exact: true }).waitFor()
    await page.keyboard.press(' ')
    await page.keyboard.press('1')
    await page.getByText(`“${fronts[3]}” is a leech`).waitFor()
    expect(await page.getByRole('status').first().textContent()).toContain('suspended')

    // The deck says so and lists it; Home links to it.
    await page.goto(deckUrl)
    await page.getByRole('button', { name: '1 leech' }).click()
    await expect.poll(() => rows.locator('a strong').allTextContents()).toEqual([fronts[3]])
    await page.getByLabel('Cards to show').selectOption('buried')
    await expect.poll(() => rows.locator('a strong').allTextContents()).toEqual([fronts[2]])
    await page.getByLabel('Cards to show').selectOption('flagged')
    await expect.poll(() => rows.locator('.flag').allTextContents()).toEqual(['red'])

    // Own media: a picture is taken; a text file named like one is refused with a clear error.
    await page.getByRole('link', { name: fronts[2], exact: true }).click()
    await page.getByRole('heading', { name: fronts[2] }).waitFor()
    await page.getByLabel(/^Add your picture \(a PNG, JPEG or WebP image, up to 2 MB\)/).waitFor()
    const picture = page.locator('input[type=file][name=image]') // its label then says 'Replace'
    await picture.setInputFiles({
      name: 'drawing.png',
      mimeType: 'image/png',
      buffer: Buffer.from(await png(32, [250, 200, 0], [0, 90, 200])),
    })
    await page.getByText('Added your picture.').waitFor()
    await page.locator('img.card-image').waitFor()
    await picture.setInputFiles({
      name: 'not-a-picture.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<svg onload="alert(1)"></svg>'),
    })
    await page.getByText('Upload a PNG, JPEG or WebP image').waitFor()
    expect(await shoot('card-upload')).toEqual([])
    expect(errors).toEqual([])
  })
})
