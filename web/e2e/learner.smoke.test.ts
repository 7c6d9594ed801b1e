import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { npmStart } from '../../lib/node/npm-start'

// The SPA in Debian's chromium against the platform as `npm start` runs it (embedded defaults, mail in files).
const APP = 'http://127.0.0.1:8080'
const SHOTS = resolve(import.meta.dirname, '../../artifacts/screenshots')
const ADMIN = 'admin.e2e@example.com'
const LEARNER = `learner.${Date.now()}@example.com`
const PASSWORD = 'a long learner passphrase'

let dataDir: string
let profile: string
let platform: ReturnType<typeof npmStart>
let browser: BrowserContext
let page: Page

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lingudesk-e2e-'))
  profile = await mkdtemp(join(tmpdir(), 'lingudesk-chromium-'))
  await mkdir(SHOTS, { recursive: true })
  // Debits reach the ledger at once (so the admin has one to refund); fast hashing for sign-ups.
  platform = npmStart(dataDir, { ADMIN_EMAILS: ADMIN, MICRO_FLUSH_THRESHOLD: '1', BCRYPT_COST: '10', LOG_LEVEL: 'debug' })
  await platform.up
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  })
  page = browser.pages()[0] ?? (await browser.newPage())
  page.setDefaultTimeout(15_000)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await platform?.stop()
  await rm(dataDir, { recursive: true, force: true })
  await rm(profile, { recursive: true, force: true })
})

const codes: string[] = [] // every one-time code mailed, to look for in the logs

/** The code in the newest mail to `to` whose subject matches (local mode writes mail to files). */
async function mailedCode(to: string, subject: RegExp) {
  const dir = join(dataDir, 'mail')
  for (let i = 0; i < 100; i++) {
    const names = (await readdir(dir).catch(() => [] as string[])).sort().reverse()
    for (const n of names) {
      const text = await readFile(join(dir, n), 'utf8')
      const subj = /^Subject: (.*)$/m.exec(text)?.[1] ?? ''
      if (text.includes(`To: ${to}`) && subject.test(subj)) return codes[codes.push(/\b(\d{6})\b/.exec(subj)![1]) - 1]
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no mail to ${to} matching ${subject}`)
}

/** Desktop and phone-width screenshots of what is on screen now. */
async function shoot(name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true })
  await page.setViewportSize({ width: 375, height: 740 })
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  await page.setViewportSize({ width: 1280, height: 800 })
  return overflow
}

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true })

async function signUp(name: string, email: string) {
  await page.goto(APP)
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  await page.getByRole('link', { name: 'Create an account' }).click()
  await page.getByLabel('Name').fill(name)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { name: 'Verify your email' }).waitFor()
  await page.getByLabel('Verification code').fill(await mailedCode(email, /verification code/))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByRole('heading', { name: 'Your decks' }).waitFor()
}

describe('the learner and admin app in a real browser', () => {
  it('signs up, builds a deck, enriches a card, studies with the keyboard, sees stats; an admin refunds', async () => {
    const consoleErrors: string[] = []
    // A signed-out visitor's session check answers 401 by design; any other error in the console fails the test.
    page.on('console', (m) => {
      if (m.type() === 'error' && !(m.location().url.endsWith('/api/auth/refresh') && m.text().includes('401'))) consoleErrors.push(`${m.text()} ${m.location().url}`)
    })
    page.on('pageerror', (e) => consoleErrors.push(String(e)))

    await page.goto(APP)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await shoot('signin')).toBeLessThanOrEqual(0)
    await signUp('Lena', LEARNER)
    await page.getByText('No decks yet').waitFor()
    expect(await shoot('home')).toBeLessThanOrEqual(0)

    // A deck with two cards.
    await page.getByLabel('Name').fill('German basics')
    await page.getByLabel('From (language code)').fill('de')
    await page.getByLabel('To (language code)').fill('en')
    await page.getByRole('button', { name: 'Create deck' }).click()
    await page.getByRole('link', { name: 'German basics' }).click()
    await page.getByRole('heading', { name: 'German basics' }).waitFor()
    for (const [front, back] of [['der Hund', 'the dog'], ['die Katze', 'the cat']]) {
      await page.getByLabel('Front').fill(front)
      await page.getByLabel('Back').fill(back)
      await page.getByRole('button', { name: 'Add card' }).click()
      await page.getByRole('link', { name: front, exact: true }).waitFor()
    }
    await expect.poll(() => page.locator('ul.cards li').count()).toBe(2)
    expect(await shoot('deck')).toBeLessThanOrEqual(0)

    // AI on a card (the offline plugin): prices shown first, a translation and an image saved onto it.
    await page.getByRole('link', { name: 'der Hund', exact: true }).click()
    await page.getByText(/up to €0\.06/).waitFor()
    await page.getByRole('button', { name: 'Make an image' }).click()
    await page.getByText(/Make an image: done, cost €0\.0030/).waitFor()
    await page.getByRole('img', { name: 'Picture for der Hund' }).waitFor()
    await page.getByRole('button', { name: 'Translate' }).click()
    await page.getByText(/Translate: done/).waitFor()
    expect(await page.getByLabel('Back').inputValue()).toContain('offline')
    expect(await shoot('card')).toBeLessThanOrEqual(0)

    // Study with the keyboard: space reveals, 3 = good, 1 = again, u undoes.
    await nav('Study').click()
    await page.getByText('Card 1 of 2').waitFor()
    await page.keyboard.press('Space')
    await page.getByRole('button', { name: /Good/ }).waitFor()
    expect(await shoot('study')).toBeLessThanOrEqual(0)
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
    expect(await page.locator('.tile', { hasText: 'reviews this year' }).locator('.big').innerText()).toBe('2')
    await page.getByRole('img', { name: /Reviews per day over the last year: 2 in all/ }).waitFor()
    expect(await shoot('stats')).toBeLessThanOrEqual(0)

    // A reload keeps the session (refresh cookie), though the access token lived in memory only.
    await page.reload()
    await page.getByRole('heading', { name: 'Stats' }).waitFor()
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual(['ld_device'])

    await nav('Credits').click()
    await page.getByText('AI use').first().waitFor()
    await page.getByText(/not available on this server/).waitFor()
    expect(await shoot('credits')).toBeLessThanOrEqual(0)
    await nav('Settings').click()
    await page.getByText('(this device)').waitFor()
    expect(await shoot('settings')).toBeLessThanOrEqual(0)
    expect(await nav('Admin').count()).toBe(0) // hidden from learners
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()

    // The admin (ADMIN_EMAILS, once verified) finds the learner's image debit and refunds it.
    await signUp('Ada Admin', ADMIN)
    await nav('Admin').click()
    await page.getByText('active (30 days)').waitFor()
    await page.getByLabel('Email').fill(LEARNER)
    await page.getByLabel('Kind').selectOption('debit')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('button', { name: 'Refund' }).first().click()
    await page.getByLabel('Reason').first().fill('Picture did not match the word')
    await page.getByRole('button', { name: 'Refund', exact: true }).last().click()
    await page.getByText('Refunded €0.0030.').waitFor()
    expect(await shoot('admin')).toBeLessThanOrEqual(0)

    expect(consoleErrors).toEqual([])
  }, 240_000)

  it('logged every request as JSON, and no password, code, token, cookie or secret', async () => {
    const secrets = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>
    const cookies = (await browser.cookies()).map((c) => c.value)
    const lines = platform.log.out.split('\n').filter((l) => l.startsWith('{'))
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.status)
    expect(requests.length).toBeGreaterThan(50)
    expect(requests.every((r) => r.time && r.level && r.role && r.requestId && r.route && r.ms !== undefined)).toBe(true)
    const needles = [PASSWORD, ...codes, ...cookies, ...Object.values(secrets)]
    expect(needles.length).toBeGreaterThan(4)
    const leaks = lines.filter((l) => needles.some((n) => l.includes(n)) || /eyJ[\w-]{10,}\.[\w-]{10,}/.test(l) || /bearer /i.test(l))
    expect(leaks).toEqual([])
  })
})
