import type { Dialog, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP, type BrowserPlatform, browserPlatform } from './harness'
import { must } from '../../test/must'

// Issue 17 as a learner meets it, at desktop and phone width: what they write stays, messages say what
// happened, lists load once, counts agree, two tabs, locks and codes. Paid calls reach the ledger one by one
// (MICRO_FLUSH_THRESHOLD=1) so the credit history has pages; the AI and sign-in limits are lifted (both widths
// run from one address).
let t: BrowserPlatform
beforeAll(
  async () =>
    void (t = await browserPlatform({
      MICRO_FLUSH_THRESHOLD: '1',
      RATE_LIMIT_AI: '1000/60',
      RATE_LIMIT_PUBLIC: '1000/60',
      RATE_LIMIT_STANDARD: '1000/60', // a script is faster than a learner: the card page now asks for its note too
    })),
  120_000,
)
afterAll(() => t?.close())

const PASSWORD = 'a long careful passphrase'

/** Every request the page makes, as path and query, and every dialog it raised (each answered by `answer`). */
function watch(page: Page) {
  const asked: string[] = []
  const dialogs: string[] = []
  let answer: 'accept' | 'dismiss' = 'dismiss'
  const onRequest = (r: Request) => {
    const u = new URL(r.url())
    if (u.pathname.startsWith('/api/')) asked.push(`${r.method()} ${u.pathname}${u.search}`)
  }
  const onDialog = (d: Dialog) => {
    dialogs.push(`${d.type()}: ${d.message()}`)
    void (answer === 'accept' ? d.accept() : d.dismiss())
  }
  page.on('request', onRequest)
  page.on('dialog', onDialog)
  return {
    asked,
    dialogs,
    stop: () => void (page.off('request', onRequest), page.off('dialog', onDialog)),
    answer: (a: 'accept' | 'dismiss') => void (answer = a),
    count: (re: RegExp) => asked.filter((a) => re.test(a)).length,
    reset: () => void ((asked.length = 0), (dialogs.length = 0)),
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each([
  { width: 1280, height: 800, name: 'desktop' },
  { width: 375, height: 740, name: 'phone' },
])('a learner’s words and the app’s messages, at $name width', ({ width, height, name }) => {
  it('keeps what the learner wrote, loads lists once, counts alike, handles two tabs, locks and codes', async () => {
    const { page, shoot } = t
    const email = `words.${name}.${Date.now()}@example.com`
    await page.setViewportSize({ width, height })
    await t.browser.clearCookies() // signed out, whatever an earlier run left
    page.removeAllListeners('dialog') // and no listener of a run that failed half-way
    page.removeAllListeners('request')
    const w = watch(page)
    const nav = async () => {
      const toggle = page.getByRole('button', { name: 'Menu' })
      if (await toggle.isVisible()) await toggle.click() // phone width: the menu first
      return page.getByRole('navigation', { name: 'Main' })
    }
    const go = async (link: string) =>
      (await nav()).getByRole('link', { name: link, exact: true }).click()
    const signOut = async () => {
      await (await nav()).getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    }

    // 3, 13: a wrong verification code is sent once and is not a lost session; a new code waits a minute.
    await page.goto(`${APP}/#/signup`)
    await page.getByRole('heading', { name: 'Create your account' }).waitFor()
    await page.getByLabel('Name').fill('Wren')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'Verify your email' }).waitFor()
    const first = await t.mailedCode(email, /verification code/)
    w.reset()
    await page.getByLabel('Verification code').fill(first === '000000' ? '111111' : '000000')
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByText('Wrong code; try again').waitFor()
    expect(await page.getByText('Your session has ended').count()).toBe(0)
    expect([w.count(/register\/verify/), w.count(/auth\/refresh/)]).toEqual([1, 0])
    // The minute before a new code starts when this one was sent: clicks meanwhile send nothing.
    const resend = page.getByRole('button', { name: /^Send a new code \(in \d+ s\)$/ })
    expect(await resend.isDisabled()).toBe(true)
    await resend.click({ force: true })
    expect(w.count(/register\/resend/)).toBe(0)
    expect(await shoot(`words-verify-${name}`)).toEqual([])
    await page.getByLabel('Verification code').fill(first) // a typo cost one of its five tries, not two
    await page.getByRole('button', { name: 'Verify' }).click()

    // The first run: three steps and a sample deck.
    await page.getByRole('heading', { name: 'Start in three steps' }).waitFor()
    await page.getByRole('button', { name: 'Dark mode' }).hover() // readable under the pointer too
    expect(await shoot(`words-first-run-${name}`)).toEqual([])
    await page.getByRole('button', { name: 'Add the sample deck' }).click()
    await page.getByRole('heading', { name: 'Sample: German basics' }).waitFor()
    await expect.poll(() => page.locator('ul.cards li').count()).toBe(8)

    // 8: the search goes out once typing pauses.
    w.reset()
    await page.getByRole('searchbox', { name: 'Search' }).pressSequentially('Hund', { delay: 40 })
    await expect.poll(() => page.locator('ul.cards li').count()).toBe(1)
    await pause(500)
    expect(w.asked.filter((a) => a.includes('/cards?'))).toEqual([
      expect.stringContaining('q=Hund'),
    ])
    await page.getByRole('searchbox', { name: 'Search' }).fill('')
    await page.getByRole('button', { name: 'Filter' }).click()
    await expect.poll(() => page.locator('ul.cards li').count()).toBe(8)

    // 1: AI proposes beside the learner's back; taking it is undoable; examples of two levels add up.
    await page.getByRole('link', { name: 'der Hund', exact: true }).click()
    await page.getByRole('heading', { name: 'der Hund' }).waitFor()
    const back = page.getByLabel('Back', { exact: true })
    await page.getByRole('button', { name: 'Translate', exact: true }).click()
    await page.getByRole('heading', { name: 'Proposed back' }).waitFor()
    expect(await back.inputValue()).toBe('the dog')
    await page
      .getByText(/Demo mode/)
      .first()
      .waitFor()
    expect(await shoot(`words-proposal-${name}`)).toEqual([])
    await page.getByRole('button', { name: 'Add below mine' }).click()
    await expect.poll(() => back.inputValue()).toMatch(/^the dog\n.*der Hund/)
    await page.getByRole('button', { name: /^Undo: Your edit/ }).click()
    await expect.poll(() => back.inputValue()).toBe('the dog')
    for (const level of ['A1', 'B1']) {
      await page.getByLabel('Level for examples').selectOption(level)
      await page.getByRole('button', { name: 'Example sentences', exact: true }).click()
      await page.getByText(/Example sentences: added examples/).waitFor()
    }
    expect(await page.locator('#examples-h + ul li').allInnerTexts()).toEqual([
      expect.stringMatching(/^A1/),
      expect.stringMatching(/^A1/),
      expect.stringMatching(/^A1/),
      expect.stringMatching(/^B1/),
      expect.stringMatching(/^B1/),
      expect.stringMatching(/^B1/),
    ])

    // 2: unsaved edits ask before the back link, an AI action and closing the tab; declining keeps them.
    await page.getByLabel('Notes').fill('my own note')
    w.reset()
    await page.getByRole('link', { name: '← Back to the deck' }).click()
    await page.getByRole('button', { name: 'Explain', exact: true }).click()
    await page.close({ runBeforeUnload: true })
    await expect.poll(() => w.dialogs.length).toBe(3)
    expect(w.dialogs).toEqual([
      expect.stringMatching(/^confirm: You have unsaved changes\. Leave/),
      expect.stringMatching(/^confirm: You have unsaved changes\. Save them, then run Explain/),
      expect.stringMatching(/^beforeunload/),
    ])
    expect([
      page.isClosed(),
      await page.getByLabel('Notes').inputValue(),
      w.count(/ai\/explain/),
    ]).toEqual([false, 'my own note', 0])
    await page.getByRole('heading', { name: 'der Hund' }).waitFor()
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Saved. You can undo it under Changes.').waitFor()
    const deckUrl = must(
      await page.getByRole('link', { name: '← Back to the deck' }).getAttribute('href'),
    )
    const deckId = must(deckUrl.split('/').pop())

    // 7: the credit history loads once and appends one page; 21 image calls make 21 ledger rows.
    await page.evaluate(async (cardId) => {
      const res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'x-device-id': localStorage.getItem('ld_device') ?? '' },
      })
      const { accessToken } = await res.json()
      for (let i = 0; i < 21; i++)
        await fetch(`/api/cards/${cardId}/ai/image`, {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body: '{"refresh":true}',
        })
    }, page.url().split('/').pop())
    w.reset()
    await go('Credits')
    await expect.poll(() => page.locator('tbody tr').count()).toBe(20)
    await pause(500)
    expect([w.count(/credits\/history/), w.count(/credits\/balance/)]).toEqual([1, 1])
    await page.getByRole('button', { name: 'Older transactions' }).click()
    await expect.poll(() => page.locator('tbody tr').count()).toBe(22) // 21 debits and the month's grant
    await pause(500)
    expect(w.count(/credits\/history/)).toBe(2)
    expect(await shoot(`words-credits-${name}`)).toEqual([])

    // 9: Home, the deck and Study count alike, before and after two cards; 13: a reload keeps the session's count.
    await go('Decks')
    await page.getByText(/reviewed today · 8 waiting/).waitFor()
    await page.goto(`${APP}/#/study?deck=${deckId}`)
    await page.getByText('Card 1 of 8').waitFor()
    for (const n of [2, 3]) {
      await page.keyboard.press('Space')
      await page.keyboard.press('4')
      await page.getByText(`Card ${n} of 8`).waitFor()
    }
    await page.reload()
    await page.getByText('Card 3 of 8').waitFor()
    await page.goto(`${APP}/#/decks/${deckId}`)
    await page.getByText('6 new').waitFor()
    await go('Decks')
    await page.getByText(/2 reviewed today · 6 waiting/).waitFor()

    // 6: two tabs on one card: the second grade reloads the queue by itself and says so.
    await page.goto(`${APP}/#/study?deck=${deckId}`)
    await page.getByText('Card 3 of 8').waitFor()
    const other = await t.browser.newPage()
    await other.setViewportSize({ width, height })
    await other.goto(`${APP}/#/study?deck=${deckId}`)
    await other.getByText(/^Card \d+ of \d+$/).waitFor()
    const front = await page.locator('.study-card .front').innerText()
    expect(await other.locator('.study-card .front').innerText()).toBe(front)
    await other.keyboard.press('Space')
    await other.keyboard.press('4')
    await other.getByText('Card 2 of 6').waitFor() // this tab's own session: its first card done
    await other.close()
    await page.keyboard.press('Space')
    await page.keyboard.press('4')
    await page.getByText(/already graded, probably in another tab/).waitFor()
    expect(await page.locator('.study-card .front').innerText()).not.toBe(front)
    expect(await shoot(`words-two-tabs-${name}`)).toEqual([])

    // 5, 3: wrong passwords say so, then the lock with its time and the reset link; 13: a fresh forgot form,
    // and a used reset link offers a new one; the reset lifts the lock.
    await signOut()
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(`wrong ${i}`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page
        .getByText(i < 4 ? 'Wrong email or password' : /This account is locked for \d+ seconds/)
        .waitFor()
    }
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText(/This account is locked for \d+ seconds/).waitFor()
    expect(await page.getByText('Your session has ended').count()).toBe(0)
    expect(await shoot(`words-locked-${name}`)).toEqual([])
    await page.getByRole('link', { name: 'Reset your password' }).click()
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor()
    await page.getByLabel('Email').fill(email)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await page.getByText(/a reset link is on its way/).waitFor()
    await page.getByRole('button', { name: 'Use another address or send again' }).click()
    await page.getByRole('button', { name: 'Send reset link' }).waitFor()
    const link = must(
      /https?:\/\/\S+/.exec((await t.mail(email, /Reset your Lingudesk password/)).text),
    )[0]
    await page.goto(link)
    await page.getByLabel('New password').fill(`${PASSWORD} again`)
    await page.getByRole('button', { name: 'Set password' }).click()
    await page.getByText('Your password was changed').waitFor()
    await page.goto(link)
    await page.getByLabel('New password').fill(`${PASSWORD} thrice`)
    await page.getByRole('button', { name: 'Set password' }).click()
    await page.getByText('This reset link has expired or was already used').waitFor()
    expect(await shoot(`words-used-link-${name}`)).toEqual([])
    await page.getByRole('link', { name: 'Ask for a new link' }).click()
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor()
    await page.goto(`${APP}/#/signin`)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(`${PASSWORD} again`)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Your decks' }).waitFor()
    await signOut()
    w.stop()
  }, 240_000)
})
