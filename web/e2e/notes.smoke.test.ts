import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserPlatform, browserPlatform } from './harness'

let t: BrowserPlatform
beforeAll(async () => void (t = await browserPlatform()), 120_000)
afterAll(() => t?.close())

describe('notes in a real browser', () => {
  it('adds reversed, cloze and typed notes, studies one card of each note, and diffs typed answers', async () => {
    const { page, shoot, signUp } = t
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await signUp('Mio', `notes.${Date.now()}@example.com`, 'a long learner passphrase')
    await page.getByLabel('Name').fill('Mixed')
    await page.getByLabel('From', { exact: true }).fill('German')
    await page.getByLabel('To', { exact: true }).fill('English')
    await page.getByRole('button', { name: 'Create deck' }).click()
    await page.getByRole('link', { name: 'Mixed' }).click()
    await page.getByRole('heading', { name: 'Mixed' }).waitFor()

    const type = page.getByLabel('Note type')
    const add = () => page.getByRole('button', { name: 'Add note' }).click()
    await type.selectOption({ label: 'Basic and reversed card' })
    await page.getByLabel('Front').fill('der Hund')
    await page.getByLabel('Back').fill('the dog')
    await add()
    await page.getByRole('link', { name: 'the dog', exact: true }).waitFor() // the reverse card
    await type.selectOption({ label: 'Cloze' })
    const text = page.getByLabel('Text')
    await text.fill('Berlin ist die Hauptstadt von Deutschland')
    await text.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 6)) // "Berlin"
    await page.getByRole('button', { name: 'Cloze deletion [c1]' }).click()
    await text.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(38, 49)) // "Deutschland"
    await page.getByRole('button', { name: 'Cloze deletion [c2]' }).click()
    expect(await text.inputValue()).toBe(
      '{{c1::Berlin}} ist die Hauptstadt von {{c2::Deutschland}}',
    )
    await add()
    await page
      .getByRole('link', { name: '[…] ist die Hauptstadt von Deutschland', exact: true })
      .waitFor()
    await type.selectOption({ label: 'Basic (type in the answer)' })
    expect(await shoot('note-editor')).toEqual([])
    for (const [front, back] of [
      ['Kaffee', 'café'],
      ['Schule', '学校'],
    ]) {
      await page.getByLabel('Front').fill(front)
      await page.getByLabel('Back (the answer to type)').fill(back)
      await add()
      await page.getByRole('link', { name: front, exact: true }).waitFor()
    }
    await expect.poll(() => page.locator('ul.cards li').count()).toBe(6)

    // Study: one card per note today (6 cards, 4 notes), each rendered by its type.
    await page.getByRole('link', { name: 'Study this deck' }).click()
    await page.getByText('Card 1 of 4').waitFor()
    await page.getByText('der Hund').waitFor()
    await page.keyboard.press('Space')
    await page.keyboard.press('3')

    await page.getByText('Card 2 of 4').waitFor()
    const asked = page.locator('mark.cloze')
    expect(await asked.innerText()).toBe('[…]')
    expect(await page.locator('.cloze-text').innerText()).toBe(
      '[…] ist die Hauptstadt von Deutschland',
    )
    await page.keyboard.press('Space')
    expect(await asked.innerText()).toBe('Berlin')
    await page.keyboard.press('3')

    // Typed: the answer typed, Enter reveals the difference; accents count unless ignored.
    await page.getByText('Card 3 of 4').waitFor()
    const answer = page.getByLabel('Type the answer')
    await answer.fill('Cafe')
    await answer.press('Enter')
    await page.getByText(/^Not quite/).waitFor()
    expect(await page.locator('.typed-diff span').allInnerTexts()).toEqual(['Caf', 'é', 'e'])
    await page.getByLabel('Ignore accents').check()
    await page.getByText('Right.', { exact: true }).waitFor()
    expect(await shoot('study-typed')).toEqual([])
    await page.getByRole('button', { name: /Good/ }).click()

    // CJK through an input method: Enter that picks the candidate does not answer; the next Enter does.
    await page.getByText('Card 4 of 4').waitFor()
    await answer.focus()
    await answer.dispatchEvent('compositionstart')
    await page.keyboard.insertText('学生')
    await answer.evaluate((el) =>
      el.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true }),
      ),
    )
    await answer.dispatchEvent('compositionend')
    expect(await page.getByRole('button', { name: /Show answer/ }).count()).toBe(1)
    await answer.press('Enter')
    await page.getByText(/^Not quite/).waitFor()
    expect(await page.locator('.typed-diff span').allInnerTexts()).toEqual(['学', '校', '生'])
    expect(await page.locator('.typed-diff .diff-missing').innerText()).toBe('校')
    await page.getByRole('button', { name: /Good/ }).click()

    // The reverse card and the second cloze card wait for another day.
    await page.getByRole('heading', { name: 'Session complete' }).waitFor()
    await page.getByText('You reviewed 4 cards').waitFor()
    expect(errors).toEqual([])
  })
})
