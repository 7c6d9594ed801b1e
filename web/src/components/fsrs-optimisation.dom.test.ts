import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { domPlatform } from '../../test/dom-platform'
import { api } from '../lib/session.svelte'
import FsrsOptimisation from './FsrsOptimisation.svelte'

// Settings' "Scheduler fitted to you" against the real roles (the fit itself: functions/backend/study-optimise.test.ts).
let p: Awaited<ReturnType<typeof domPlatform>>
beforeAll(async () => void (p = await domPlatform()), 60_000)
afterAll(() => p?.close())
afterEach(() => cleanup())

describe('FSRS optimisation in Settings', () => {
  it('shows the figures of a fit, and why "Optimise now" cannot run yet', async () => {
    const email = `fsrs.${crypto.randomUUID()}@example.com`
    const { challenge } = await api.auth.register({
      name: 'Dom',
      email,
      password: 'a long component passphrase',
    })
    await api.auth.finishSignUp({ challenge, code: await p.code(email) })
    const { optimisation } = await api.study.settings()
    expect(optimisation).toBeNull()
    render(FsrsOptimisation, { optimisation })
    expect(screen.getByText(/Not optimised yet/)).toBeTruthy()
    const button = screen.getByRole('button', { name: 'Optimise now' }) as HTMLButtonElement
    await fireEvent.click(button)
    // Disabled while the fit runs, so a second click cannot send a second request.
    expect(button.disabled).toBe(true)
    expect(button.textContent).toBe('Optimising…')
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toMatch(/at least 1000 reviews/),
    )
    cleanup()
    const fit = {
      reviews: 1200,
      fittedAt: '2026-11-30T10:00:00.000Z',
      inUse: true,
      default: { logLoss: 0.36, rmse: 0.11 },
      fitted: { logLoss: 0.35, rmse: 0.1, weights: [] },
      nextFitAt: new Date(Date.now() + 3566_000).toISOString(),
    }
    render(FsrsOptimisation, { optimisation: fit as never })
    expect(screen.getByRole('status').textContent?.replace(/\s+/g, ' ')).toMatch(
      /1200 reviews.*latest fifth, which the fit did not see: log-loss 0\.3600 → 0\.3500, RMSE 0\.1100 → 0\.1000\. Your weights are in use\./,
    )
    // Until the server would take another fit, the button says when instead of inviting a 429.
    const again = screen.getByRole('button') as HTMLButtonElement
    expect(again.disabled).toBe(true)
    expect(again.textContent).toBe('Optimised; again in about an hour')
  })
})
