import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP, type BrowserPlatform, browserPlatform } from './harness'
import { must } from '../../test/must'

const EMAIL = `account.${Date.now()}@example.com`
const FIRST = 'a first long passphrase'
const SECOND = 'a second long passphrase'

let t: BrowserPlatform
beforeAll(async () => void (t = await browserPlatform()), 120_000)
afterAll(() => t?.close())

const csv = (text: string) => ({
  name: 'cards.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from(text),
})

describe('a learner’s account in a real browser', () => {
  it('imports and exports CSV, signs in with a mailed code, resets a forgotten password, downloads and deletes the account', async () => {
    const { page, nav, shoot } = t
    const section = (heading: string) =>
      page.locator('section', { has: page.getByRole('heading', { name: heading }) })
    page.on('dialog', (d) => void d.accept()) // the delete confirmation

    await t.signUp('Ines', EMAIL, FIRST)
    await page.getByLabel('Name').fill('Portuguese')
    await page.getByLabel('From', { exact: true }).fill('Portuguese')
    await page.getByLabel('To', { exact: true }).fill('English')
    await page.getByRole('button', { name: 'Create deck' }).click()
    await page.getByRole('link', { name: 'Portuguese' }).click()

    // A file with a bad row: every row's problem, and nothing imported. Then a good file.
    const file = page.getByLabel('CSV file')
    await file.setInputFiles(csv('front,back,tags\nobrigado,thank you,polite\n,no front,\n'))
    await page.getByText('Row 3: front is required').waitFor()
    expect(await page.getByRole('button', { name: /^Import/ }).count()).toBe(0)
    await file.setInputFiles(
      csv('front,back,tags\nobrigado,thank you,polite\n"casa, a",the house,noun\n'),
    )
    await page.getByRole('table', { name: /Preview/ }).waitFor()
    expect(await shoot('import')).toEqual([])
    await page.getByRole('button', { name: 'Import 2 notes' }).click()
    await page.getByText('Imported 2 cards from cards.csv.').waitFor()
    await page.getByRole('link', { name: 'casa, a', exact: true }).waitFor()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ])
    expect(await readFile(must(await download.path()), 'utf8')).toBe(
      'type,front,back,addReverse,notes,tags\r\nbasic,obrigado,thank you,,,polite\r\nbasic,"casa, a",the house,,,noun\r\n',
    )

    // Two-step sign-in on: the next sign-in asks for the mailed code.
    await nav('Settings').click()
    await page.getByRole('heading', { name: 'Settings' }).waitFor()
    await section('Two-step sign-in').getByLabel('Password').fill(FIRST)
    await page.getByRole('button', { name: 'Turn on' }).click()
    await page.getByText('Two-step sign-in is on').waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor() // each page waited for, or a field of the last one is filled
    await page.getByLabel('Email').fill(EMAIL)
    await page.getByLabel('Password').fill(FIRST)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByLabel('Sign-in code').waitFor()
    expect(await shoot('signin-code')).toEqual([])
    await page.getByLabel('Sign-in code').fill(await t.mailedCode(EMAIL, /sign-in code/))
    await page.getByRole('button', { name: 'Verify code' }).click()
    await page.getByRole('heading', { name: 'Your decks' }).waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()

    // A forgotten password: the mailed link, a new password, and the old one no longer works.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor()
    expect(await shoot('forgot')).toEqual([])
    await page.getByLabel('Email').fill(EMAIL)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    const link = must(
      /https?:\/\/\S+/.exec((await t.mail(EMAIL, /Reset your Lingudesk password/)).text),
    )[0]
    expect(link.startsWith(APP)).toBe(true)
    await page.goto(link)
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
    expect(await shoot('reset')).toEqual([])
    await page.getByLabel('New password').fill(SECOND)
    await page.getByRole('button', { name: 'Set password' }).click()
    await page.getByText('Your password was changed').waitFor()
    await page.getByLabel('Email').fill(EMAIL)
    await page.getByLabel('Password').fill(FIRST)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('Wrong email or password').waitFor()
    await page.getByLabel('Password').fill(SECOND)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByLabel('Sign-in code').fill(await t.mailedCode(EMAIL, /sign-in code/))
    await page.getByRole('button', { name: 'Verify code' }).click()
    await page.getByRole('heading', { name: 'Your decks' }).waitFor()

    // The data export, then the account's deletion: it cannot sign in again.
    await nav('Settings').click()
    await page.getByRole('heading', { name: 'Settings' }).waitFor()
    const [data] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data (JSON)' }).click(),
    ])
    const exported = JSON.parse(await readFile(must(await data.path()), 'utf8'))
    expect(exported.profile.email).toBe(EMAIL)
    expect(exported.cards.map((c: { front: string }) => c.front).sort()).toEqual([
      'casa, a',
      'obrigado',
    ])
    await page.getByRole('form', { name: 'Delete account' }).getByLabel('Password').fill(SECOND)
    await page.getByRole('button', { name: 'Delete my account' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.getByLabel('Email').fill(EMAIL)
    await page.getByLabel('Password').fill(SECOND)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('Wrong email or password').waitFor()
  }, 240_000)
})
