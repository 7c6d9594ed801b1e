import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP, type BrowserPlatform, browserPlatform } from './harness'

const ADMIN = 'console.admin.e2e@example.com'
const LEARNER = `nora.${Date.now()}@example.com`
const PASSWORD = 'a long and personal passphrase'

let t: BrowserPlatform
// Debits reach the ledger at once (so the admin has one to refund).
beforeAll(
  async () => void (t = await browserPlatform({ ADMIN_EMAILS: ADMIN, MICRO_FLUSH_THRESHOLD: '1' })),
  120_000,
)
afterAll(() => t?.close())

/** The learner's own client on another device, as the SPA talks to the API: a device id and the refresh cookie. */
function learnerDevice() {
  const device = randomBytes(12).toString('hex')
  let cookie = ''
  let token = ''
  const call = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {
      origin: APP,
      'x-device-id': device,
      'user-agent': 'Mozilla/5.0 (Linux; Android 14) Firefox/130.0',
    }
    if (cookie) headers.cookie = cookie
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(APP + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const set = res.headers.getSetCookie().find((c) => c.includes('refresh'))
    if (set) cookie = set.split(';')[0]
    const json = await res.json().catch(() => null)
    if (json?.accessToken) token = json.accessToken
    return { status: res.status, body: json }
  }
  return {
    call,
    signIn: () => call('POST', '/api/auth/login', { email: LEARNER, password: PASSWORD }),
  }
}

describe('the admin console in a real browser', () => {
  it('finds a learner, revokes a session, disables and enables, comps a plan, refunds, reads the audit trail', async () => {
    const { page, shoot, nav, signUp } = t
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    const learner = learnerDevice()
    const started = await learner.call('POST', '/api/auth/register', {
      email: LEARNER,
      password: PASSWORD,
      name: 'Nora Ølsen',
    })
    expect(started.status).toBe(202)
    const code = await t.mailedCode(LEARNER, /verification code/)
    const verified = await learner.call('POST', '/api/auth/register/verify', {
      challenge: started.body.challenge,
      code,
    })
    expect(verified.status).toBe(201)
    // A debit. AI routes fail closed (503) while the rate limiter is slow, as on a busy test machine: try again.
    let image = await learner.call('POST', '/api/ai/image', { prompt: 'a red apple' })
    for (let i = 0; i < 10 && image.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 1000))
      image = await learner.call('POST', '/api/ai/image', { prompt: 'a red apple' })
    }
    expect(image.status).toBe(200)

    await signUp('Ada Console', ADMIN, PASSWORD)
    // Right after sign-up the app may still be settling on the home page: let the home page load, then click
    // until the console's search form is there.
    await page.getByRole('heading', { name: 'Start in three steps' }).waitFor()
    await expect
      .poll(
        async () => {
          if (!page.url().includes('#/admin')) await nav('Admin').click()
          return page.getByLabel('Name, email or id').isVisible()
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true)
    await page.getByRole('heading', { name: 'People' }).waitFor()
    expect(await shoot('admin-people')).toEqual([])
    await page.getByLabel('Name, email or id').fill(LEARNER.slice(0, 8).toUpperCase())
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('link', { name: 'Nora Ølsen' }).click()
    await page.getByRole('heading', { name: 'Nora Ølsen' }).waitFor()
    await page.getByText('Firefox on Android').waitFor()
    expect(await shoot('admin-person')).toEqual([])

    // Revoke the learner's session: their next refresh is refused.
    await page.getByRole('button', { name: /^Revoke the session of Firefox on Android/ }).click()
    const revoke = page.getByRole('form', { name: /Revoke the session/ })
    await revoke.getByLabel(/Reason/).fill('Phone reported stolen')
    await revoke.getByRole('button', { name: 'Revoke session' }).click()
    await page.getByText('No live session.').waitFor()
    expect((await learner.call('POST', '/api/auth/refresh')).status).toBe(401)

    // Disable (sign-in refused) and enable again.
    await page.getByRole('button', { name: 'Disable account' }).click()
    const disable = page.getByRole('form', { name: /Disable this account/ })
    await disable.getByLabel(/Reason/).fill('Chargeback under review')
    await disable.getByRole('button', { name: 'Disable' }).click()
    await page.getByRole('button', { name: 'Enable account' }).waitFor()
    expect((await learner.signIn()).status).toBe(401)
    await page.getByRole('button', { name: 'Enable account' }).click()
    const enable = page.getByRole('form', { name: 'Enable this account' })
    await enable.getByLabel(/Reason/).fill('Chargeback withdrawn')
    await enable.getByRole('button', { name: 'Enable' }).click()
    await page.getByRole('button', { name: 'Disable account' }).waitFor()
    expect((await learner.signIn()).status).toBe(200)

    // A plan given by hand until a date.
    await page.getByRole('button', { name: 'Change plan' }).click()
    const plan = page.getByRole('form', { name: 'Give a plan by hand' })
    await plan.getByLabel('Plan').selectOption('premium')
    await plan.getByLabel(/Reason/).fill('Conference speaker')
    await plan.getByRole('button', { name: 'Save plan' }).click()
    await page.getByText(/Now premium until/).waitFor()
    await page.getByText(/premium — given by hand/).waitFor()

    // Refund the image from the ledger, in place.
    await page
      .getByRole('region', { name: 'Ledger' })
      .getByRole('button', { name: 'Refund' })
      .click()
    const refund = page.getByRole('form', { name: /^Refund/ })
    await refund.getByLabel(/Reason/).fill('Picture did not match')
    await refund.getByRole('button', { name: 'Refund' }).click()
    await page.getByText('Refunded €0.0030.').waitFor()
    await page
      .getByRole('region', { name: 'Ledger' })
      .getByRole('cell', { name: 'refund', exact: true })
      .waitFor()
    await page.getByRole('region', { name: 'Ledger' }).getByText('monthly premium grant').waitFor()
    expect(await shoot('admin-person-after')).toEqual([])

    // Every action is in the audit trail with its reason.
    await page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Audit trail' })
      .click()
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor()
    const trail = page.getByRole('region', { name: 'Audit events' })
    for (const reason of [
      'Phone reported stolen',
      'Chargeback under review',
      'Chargeback withdrawn',
      'Conference speaker',
      'Picture did not match',
    ])
      await trail.getByText(reason).waitFor()
    expect(await shoot('admin-audit')).toEqual([])

    await page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Statistics' })
      .click()
    await page.getByText('Active learners per day').waitFor()
    await page.getByText(/learners optimised \(0 scheduling with their own weights\)/).waitFor()
    expect(await shoot('admin-stats')).toEqual([])
    await page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Operations' })
      .click()
    await page.getByRole('region', { name: 'Signing keys' }).waitFor()
    expect(await shoot('admin-operations')).toEqual([])
    expect(errors).toEqual([])
  }, 240_000)
})
