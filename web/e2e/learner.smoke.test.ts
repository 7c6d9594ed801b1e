import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP, type BrowserPlatform, browserPlatform } from './harness'

const ADMIN = 'admin.e2e@example.com'
const LEARNER = `learner.${Date.now()}@example.com`
const PASSWORD = 'a long learner passphrase'

let t: BrowserPlatform
// Debits reach the ledger at once (so the admin has one to refund).
beforeAll(
  async () => void (t = await browserPlatform({ ADMIN_EMAILS: ADMIN, MICRO_FLUSH_THRESHOLD: '1' })),
  120_000,
)
afterAll(() => t?.close())

describe('the learner and admin app in a real browser', () => {
  it('signs up, builds a deck, enriches a card, studies with the keyboard, sees stats', async () => {
    const { page, shoot, nav, signUp } = t
    const consoleErrors: string[] = []
    // A signed-out visitor's session check answers 401 by design, and "Optimise now" with too few reviews 400;
    // any other error in the console fails the test.
    const expected = (url: string, text: string) =>
      (url.endsWith('/api/auth/refresh') && text.includes('401')) ||
      (url.endsWith('/api/study/optimise') && text.includes('400'))
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected(m.location().url, m.text()))
        consoleErrors.push(`${m.text()} ${m.location().url}`)
    })
    page.on('pageerror', (e) => consoleErrors.push(String(e)))

    await page.goto(APP)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await shoot('signin')).toEqual([])
    await signUp('Lena', LEARNER, PASSWORD)
    await page.getByRole('heading', { name: 'Start in three steps' }).waitFor()
    expect(await shoot('home')).toEqual([])

    // A deck with two cards.
    await page.getByLabel('Name').fill('German basics')
    await page.getByLabel('From', { exact: true }).fill('German')
    await page.getByLabel('To', { exact: true }).fill('English')
    await page.getByRole('button', { name: 'Create deck' }).click()
    await page.getByRole('link', { name: 'German basics' }).click()
    await page.getByRole('heading', { name: 'German basics' }).waitFor()
    for (const [front, back] of [
      ['der Hund', 'the dog'],
      ['die Katze', 'the cat'],
    ]) {
      await page.getByLabel('Front').fill(front)
      await page.getByLabel('Back').fill(back)
      await page.getByRole('button', { name: 'Add note' }).click()
      await page.getByRole('link', { name: front, exact: true }).waitFor()
    }
    await expect.poll(() => page.locator('ul.cards li').count()).toBe(2)
    expect(await shoot('deck')).toEqual([])

    // AI on a card (the offline plugin): prices shown first; an image fills the empty picture, a translation
    // of a card with a back is only proposed, and demo mode says the answers are placeholders.
    await page.getByRole('link', { name: 'der Hund', exact: true }).click()
    // The most an image can cost (held before the call) is what it is charged: one image at €0.0030.
    await expect.poll(() => page.locator('#ai-image').textContent()).toMatch(/up to €0\.0030/)
    await page.getByRole('button', { name: 'Make an image' }).click()
    await page.getByText(/Make an image: filled the empty picture \(cost €0\.0030\)/).waitFor()
    await page.getByRole('img', { name: 'Picture for der Hund' }).waitFor()
    await page.getByRole('button', { name: 'Translate' }).click()
    await page.getByRole('heading', { name: 'Proposed back' }).waitFor()
    await page
      .getByText(/Demo mode/)
      .first()
      .waitFor()
    expect(await page.getByLabel('Back', { exact: true }).inputValue()).toBe('the dog')
    expect(await shoot('card')).toEqual([])
    await page.getByRole('button', { name: 'Discard' }).click()

    // Study with the keyboard: space reveals, 3 = good, 1 = again, u undoes.
    await nav('Study').click()
    await page.getByText('Card 1 of 2').waitFor()
    await page.keyboard.press('Space')
    await page.getByRole('button', { name: /Good/ }).waitFor()
    expect(await shoot('study')).toEqual([])
    await page.keyboard.press('3')
    await page.getByText('Card 2 of 2').waitFor()
    await page.keyboard.press('u')
    await page.getByText(/Undid the review of/).waitFor()
    await page.getByText('Card 1 of 2').waitFor()
    await page.keyboard.press('Space')
    await page.keyboard.press('3')
    await page.getByText('Card 2 of 2').waitFor()
    await page.keyboard.press('Space')
    await page.keyboard.press('4')
    await page.getByRole('heading', { name: 'Session complete' }).waitFor()
    await page.getByText('You reviewed 2 cards').waitFor()

    await nav('Stats').click()
    await page.getByText('reviews this year').waitFor()
    expect(
      await page.locator('.tile', { hasText: 'reviews this year' }).locator('.big').innerText(),
    ).toBe('2')
    await page.getByRole('img', { name: /Reviews per day over the last year: 2 in all/ }).waitFor()
    expect(await shoot('stats')).toEqual([])

    // A reload keeps the session (refresh cookie), though the access token lived in memory only.
    await page.reload()
    await page.getByRole('heading', { name: 'Stats' }).waitFor()
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(['ld_device'])

    await nav('Credits').click()
    await page.getByText('AI use').first().waitFor()
    await page.getByText(/not available on this server/).waitFor()
    expect(await shoot('credits')).toEqual([])
    await nav('Settings').click()
    await page.getByText('(this device)').waitFor()
    expect(await shoot('settings')).toEqual([])
    // "Optimise now" with two reviews says why not, and the button is free again (busy only while a fit runs).
    const optimise = page.getByRole('button', { name: 'Optimise now' })
    await optimise.click()
    await page.getByText(/Optimisation needs at least 1000 reviews; you have 2/).waitFor()
    expect(await optimise.isEnabled()).toBe(true)
    expect(await nav('Admin').count()).toBe(0) // hidden from learners
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()

    // The admin's side (finding this learner's debit and refunding it) is web/e2e/admin.smoke.test.ts.

    expect(consoleErrors).toEqual([])
  }, 240_000)

  it('logged every request as JSON, and no password, code, token, cookie or secret', async () => {
    const secrets = JSON.parse(await readFile(join(t.dataDir, 'secrets.json'), 'utf8')) as Record<
      string,
      string
    >
    const cookies = (await t.browser.cookies()).map((c) => c.value)
    const lines = t.platform.log.out.split('\n').filter((l) => l.startsWith('{'))
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request')
    expect(requests.length).toBeGreaterThan(50)
    expect(
      requests.every(
        (r) => r.time && r.level && r.role && r.requestId && r.route && r.ms !== undefined,
      ),
    ).toBe(true)
    const needles = [PASSWORD, ...t.codes, ...cookies, ...Object.values(secrets)]
    expect(needles.length).toBeGreaterThan(4)
    const leaks = lines.filter(
      (l) =>
        needles.some((n) => l.includes(n)) ||
        /eyJ[\w-]{10,}\.[\w-]{10,}/.test(l) ||
        /bearer /i.test(l),
    )
    expect(leaks).toEqual([])
  })
})
