import { describe, expect, it } from 'vitest'
import { ApiError } from './api'
import { present } from './errors'

const err = (
  status: number,
  code: string,
  message: string,
  details?: unknown,
  retryAfter?: number,
) => new ApiError(status, code, message, details, retryAfter, 'req-1')

describe('the error presenter', () => {
  it('never heads a validation error with the server’s generic message', () => {
    const one = present(
      err(400, 'BAD_REQUEST', 'Some fields need a change: see details', [
        { path: 'password', message: 'is one of the most common passwords; choose another' },
      ]),
    )
    expect(one.headline).toBe('Password: is one of the most common passwords; choose another')
    const two = present(
      err(400, 'BAD_REQUEST', 'Invalid json', [
        { path: 'sourceLang', message: 'bad' },
        { path: 'timezone', message: 'must be an IANA time zone' },
      ]),
    )
    expect(two.headline).toBe('Some fields need a change')
    expect(two.fields).toHaveLength(2)
  })

  it('says “session ended” only for a refused session, and not for a wrong code or password', () => {
    expect(present(err(401, 'UNAUTHORIZED', 'x')).headline).toBe('Your session has ended')
    expect(
      present(err(401, 'INVALID_CODE', 'Wrong code; try again', { retry: true })).headline,
    ).toBe('Wrong code; try again')
    expect(present(err(401, 'INVALID_CREDENTIALS', 'Wrong email or password')).headline).toBe(
      'Wrong email or password',
    )
    expect(
      present(
        err(401, 'INVALID_CODE', 'This reset link has expired or was used; ask for a new one'),
        { about: 'reset-link' },
      ).link?.href,
    ).toBe('/#/forgot')
  })

  it('says a password typed to confirm a change was wrong, not that the person lacks rights', () => {
    const p = present(err(403, 'FORBIDDEN', 'The password is wrong'), { about: 'password' })
    expect(p.headline).toBe('The password is wrong')
    expect(p.help).not.toMatch(/sign out/)
    expect(p.help).toMatch(/lock/)
    expect(p.link?.href).toBe('/#/forgot')
  })

  it('gives a lock its time left and the reset link', () => {
    const p = present(err(429, 'ACCOUNT_LOCKED', 'locked', { retryAfter: 240 }, 240))
    expect(p.headline).toBe('This account is locked for 4 minutes')
    expect(p.link).toEqual({ href: '/#/forgot', label: 'Reset your password' })
  })

  it('says a long wait as people do, not as a count of minutes', () => {
    const p = present(err(429, 'RATE_LIMITED', 'Optimised recently', { retryAfter: 3566 }, 3566))
    expect(p.help).toBe('Wait about an hour, then try again.')
  })

  it('addresses a 402 to whoever acts: the learner buys credits, the admin reads about the learner’s balance', () => {
    const e = err(402, 'PAYMENT_REQUIRED', 'Not enough credits', { needed: 1_500_000 })
    expect(present(e).link?.href).toBe('/#/credits')
    expect(present(e, { audience: 'admin' })).toMatchObject({
      headline: 'The learner’s balance is too small for this',
      link: null,
    })
    expect(present(e, { audience: 'admin' }).help).toContain('€1.50')
  })

  it('names the size limit of an Anki package that is too large, and what a bad one should be', () => {
    const big = present(
      err(413, 'PACKAGE_TOO_LARGE', 'The package is over the size limit', {
        maxBytes: 200_000_000,
      }),
    )
    expect(big.help).toMatch(/^Packages up to 200 MB are accepted/)
    const bad = present(err(400, 'BAD_PACKAGE', 'This is not a zip file', { reason: 'not a zip' }))
    expect(bad).toMatchObject({ headline: 'This is not a zip file' })
    expect(bad.help).toMatch(/\.apkg.*\.colpkg.*Nothing was imported/)
  })

  it('gives a server failure its reference, and no answer at all its own words', () => {
    expect(present(err(500, 'INTERNAL', 'Something went wrong')).help).toContain('req-1')
    expect(present(new ApiError(0, 'NETWORK', 'No answer')).headline).toBe(
      'No answer from the server',
    )
  })
})
