import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserPlatform, browserPlatform } from './harness'

let t: BrowserPlatform
beforeAll(async () => void (t = await browserPlatform()), 300_000)
afterAll(() => t?.close())

describe('a note on the card page, in a real browser', () => {
  it('edits a field, changes the type (the sibling comes and goes) and refuses a too-big picture', async () => {
    const { page, shoot, signUp } = t
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await signUp('Ana', `note-page.${Date.now()}@example.com`, 'a long learner passphrase')
    await page.getByLabel('Name').fill('Animals')
    await page.getByLabel('From', { exact: true }).fill('German')
    await page.getByLabel('To', { exact: true }).fill('English')
    await page.getByRole('button', { name: 'Create deck' }).click()
    await page.getByRole('link', { name: 'Animals' }).click()
    await page.getByLabel('Front').fill('der Hund')
    await page.getByLabel('Back').fill('the dog')
    await page.getByLabel('Notes (yours, shown with the answer)').fill('plural: die Hunde')
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.getByRole('link', { name: 'der Hund', exact: true }).click()

    // The note's fields by their names, its cards, and this card's own notes.
    await page.getByRole('heading', { name: 'der Hund' }).waitFor()
    expect(await page.getByLabel('Notes (this card’s)').inputValue()).toBe('plural: die Hunde')
    const back = page.getByLabel('Back', { exact: true })
    await back.fill('the hound')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Saved. You can undo it under Changes.').waitFor()
    const siblings = page.getByRole('region', { name: 'Cards of this note' })
    await siblings.getByText('Front → back: der Hund (this card)').waitFor()

    // Basic → Basic and reversed: the reverse card appears, linked.
    const type = page.getByLabel('Note type')
    await type.selectOption({ label: 'Basic and reversed card' })
    await page.getByText('this note makes 2 cards (now 1 card)').waitFor()
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    const reverse = siblings.getByRole('link', { name: 'Back → front: the hound' })
    await reverse.waitFor()
    expect(await shoot('note-page')).toEqual([])

    // Back to Basic: asked first, with what would go; refused, nothing changes; accepted, the sibling goes.
    const asked: string[] = []
    page.once('dialog', (d) => void (asked.push(d.message()), d.dismiss()))
    await type.selectOption({ label: 'Basic' })
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Nothing changed: the type is as it was.').waitFor()
    expect(asked).toEqual([
      'As Basic, this note no longer makes 1 card: it and 0 reviews will be deleted. Change the type?',
    ])
    expect(await reverse.count()).toBe(1)
    page.once('dialog', (d) => void d.accept())
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Saved. You can undo it under Changes.').waitFor()
    await expect.poll(() => reverse.count()).toBe(0)
    expect(await type.inputValue()).toBe('basic')

    // A picture over 2 MB is refused before it is sent, saying why.
    await page.getByLabel(/^Add your picture/).setInputFiles({
      name: 'big.png',
      mimeType: 'image/png',
      buffer: Buffer.alloc(3 * 1024 * 1024),
    })
    await page.getByText('big.png is too large: a picture may be at most 2 MB').waitFor()
    expect(await shoot('note-page-refused')).toEqual([])
    expect(errors).toEqual([])
  })
})
