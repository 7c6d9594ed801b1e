import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM } from '../../test/chromium'
import { npmStart } from '../../test/npm-start'
import { must } from '../../test/must'

// The SPA in Debian's chromium against the platform as `npm start` runs it (embedded defaults, mail in files).
export const APP = 'http://127.0.0.1:8080'
const SHOTS = resolve(import.meta.dirname, '../../artifacts/screenshots')
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** `npm start` in a data folder of its own, and a fresh chromium profile on it. */
export async function browserPlatform(env: Record<string, string> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'lingudesk-e2e-'))
  const profile = await mkdtemp(join(tmpdir(), 'lingudesk-chromium-'))
  await mkdir(SHOTS, { recursive: true })
  const platform = npmStart(dataDir, { BCRYPT_COST: '10', LOG_LEVEL: 'debug', ...env })
  await platform.up
  const browser = await chromium.launchPersistentContext(profile, {
    ...CHROMIUM,
    acceptDownloads: true,
  })
  const page = browser.pages()[0] ?? (await browser.newPage())
  page.setDefaultTimeout(15_000)
  const codes: string[] = [] // every one-time code mailed, to look for in the logs
  const read = new Set<string>() // a mail is taken once, so a second code never finds the first one's mail

  /** The next unread mail to `to` whose subject matches (local mode writes mail to files): its subject and text. */
  async function mail(to: string, subject: RegExp) {
    const dir = join(dataDir, 'mail')
    for (let i = 0; i < 100; i++) {
      const names = (await readdir(dir).catch(() => [] as string[]))
        .filter((n) => !read.has(n))
        .sort()
      for (const n of names) {
        const text = await readFile(join(dir, n), 'utf8')
        const subj = /^Subject: (.*)$/m.exec(text)?.[1] ?? ''
        if (!text.includes(`To: ${to}`) || !subject.test(subj)) continue
        read.add(n)
        return { subject: subj, text }
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`no mail to ${to} matching ${subject}`)
  }
  const mailedCode = async (to: string, subject: RegExp) =>
    codes[codes.push(must(/\b(\d{6})\b/.exec((await mail(to, subject)).subject))[1]) - 1]

  const axeSource = await readFile(AXE, 'utf8')
  /** The serious and critical WCAG 2.1 AA problems axe-core finds on the page now, one line each. */
  async function accessibilityProblems() {
    // Evaluated through DevTools, not a <script>: the CSP (no inline script) stays as users get it.
    if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(axeSource)
    const found = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              c: unknown,
              o: unknown,
            ) => Promise<{
              violations: {
                id: string
                impact: string
                help: string
                nodes: { target: string[] }[]
              }[]
            }>
          }
        }
      ).axe
      const r = await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      })
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
    })
    return found
  }

  /**
   * Desktop and phone-width screenshots of what is on screen now, in the light and the dark theme, and what is
   * wrong with it: sideways scrolling at 375 px, and accessibility problems at both widths and in both themes.
   * The viewport is put back as it was (a test may run at phone width).
   */
  async function shoot(name: string) {
    const was = page.viewportSize() ?? { width: 1280, height: 800 }
    await page.setViewportSize({ width: 1280, height: 800 })
    const problems = await accessibilityProblems()
    await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true })
    await page.emulateMedia({ colorScheme: 'dark' })
    problems.push(...(await accessibilityProblems()).map((p) => `dark: ${p}`))
    await page.screenshot({ path: join(SHOTS, `${name}-desktop-dark.png`), fullPage: true })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.setViewportSize({ width: 375, height: 740 })
    await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true })
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    if (overflow > 0) problems.push(`scrolls sideways by ${overflow} px at 375 px`)
    problems.push(...(await accessibilityProblems()).map((p) => `at 375 px: ${p}`))
    await page.setViewportSize(was)
    return problems
  }

  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true })

  async function signUp(name: string, email: string, password: string) {
    await page.goto(APP)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.getByLabel('Name').fill(name)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'Verify your email' }).waitFor()
    await page.getByLabel('Verification code').fill(await mailedCode(email, /verification code/))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByRole('heading', { name: 'Your decks' }).waitFor()
  }

  return {
    dataDir,
    platform,
    browser,
    page,
    codes,
    mail,
    mailedCode,
    shoot,
    nav,
    signUp,
    async close() {
      await browser.close()
      await platform.stop()
      await rm(dataDir, { recursive: true, force: true })
      await rm(profile, { recursive: true, force: true })
    },
  }
}
export type BrowserPlatform = Awaited<ReturnType<typeof browserPlatform>>
