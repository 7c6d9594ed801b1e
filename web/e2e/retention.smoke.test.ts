import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserPlatform, browserPlatform } from './harness'

// Issue 19's desired-retention helper as a learner meets it: the deck options show a year of the deck simulated
// at each retention from 0.80 to 0.95, the deck's own retention marked, following the form and a save.
let t: BrowserPlatform
beforeAll(async () => void (t = await browserPlatform()), 120_000)
afterAll(() => t?.close())

describe('the desired-retention helper in a real browser', () => {
  it('tables reviews a day by retention, marks the current one and follows a saved change', async () => {
    const { page, shoot, signUp } = t
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await signUp('Ada', `retention.${Date.now()}@example.com`, 'a long careful passphrase')
    await page.getByRole('button', { name: 'Add the sample deck' }).click()
    await page.getByRole('heading', { name: 'Sample: German basics' }).waitFor()
    await page.getByRole('link', { name: 'Options', exact: true }).click()

    const table = page.getByRole('table', { name: /Reviews a day over the next 365 days/ })
    await table.waitFor()
    const headers = await table.getByRole('columnheader').allTextContents()
    expect(headers).toEqual(['Retention', 'Reviews a day', 'Remembered'])
    const rowHeaders = table.getByRole('rowheader')
    expect(await rowHeaders.allTextContents()).toEqual(
      Array.from({ length: 16 }, (_, i) =>
        i === 10 ? '0.90 (current)' : ((80 + i) / 100).toFixed(2),
      ),
    )
    const reviews = (await table.locator('tbody td:nth-child(2)').allTextContents()).map(Number)
    expect(reviews[0]).toBeLessThan(reviews[15])
    expect(await table.locator('tr.current th').textContent()).toBe('0.90 (current)')
    await page.getByText('the default FSRS weights', { exact: false }).waitFor()
    expect(await shoot('retention-forecast')).toEqual([])

    // Typing a retention moves the mark at once; saving simulates again with the saved options.
    await page.getByLabel('Desired retention').fill('0.85')
    await expect.poll(() => table.locator('tr.current th').textContent()).toBe('0.85 (current)')
    await page.getByLabel('New cards per day').fill('3')
    await page.getByRole('button', { name: 'Save options' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    await page.getByText('new cards at 3 a day').waitFor()
    await table.waitFor()
    expect(await table.locator('tr.current th').textContent()).toBe('0.85 (current)')
    expect(errors).toEqual([])
  })
})
