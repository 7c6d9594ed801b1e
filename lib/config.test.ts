import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'
import { serviceKeyEnv } from './service-keys'

const keys = await serviceKeyEnv()
const valid = {
  DATABASE_URL: 'postgres://u@127.0.0.1/db',
  ...keys,
  REDIS_URL: 'memory://test',
  SMTP_URL: 'smtp://127.0.0.1:2525',
  KEY_ENCRYPTION_KEY: 'k'.repeat(43),
}

describe('loadConfig', () => {
  it('fills defaults and coerces numbers', () => {
    const c = loadConfig('auth', { ...valid, PORT: '9000' })
    expect(c.PORT).toBe(9000)
    expect(c.BODY_LIMIT_BYTES).toBe(1_000_000)
  })

  it('names every missing key', () => {
    expect(() => loadConfig('auth', {})).toThrow(ConfigError)
    expect(() => loadConfig('auth', {})).toThrow(
      /DATABASE_URL.*SERVICE_PUBLIC_KEYS.*SERVICE_KEY_AUTH.*REDIS_URL.*SMTP_URL/,
    )
  })

  it('refuses a bcrypt cost under 10 in production only', () => {
    expect(loadConfig('auth', { ...valid, BCRYPT_COST: '4' }).BCRYPT_COST).toBe(4)
    expect(() =>
      loadConfig('auth', { ...valid, BCRYPT_COST: '4', NODE_ENV: 'production' }),
    ).toThrow(/BCRYPT_COST/)
  })

  it('names a bad key without echoing its value', () => {
    const run = () => loadConfig('auth', { ...valid, SERVICE_KEY_AUTH: 'short-s3cret' })
    expect(run).toThrow(/SERVICE_KEY_AUTH/)
    expect(run).not.toThrow(/short-s3cret/)
  })

  it('refuses a URL a raw password broke, pointing to the *_PASSWORD variables', () => {
    const raw = 'postgres://lingudesk_auth:ab/c@d@10.0.0.5:6432/lingudesk' // as `openssl rand -base64` makes them
    expect(() => loadConfig('auth', { ...valid, DATABASE_URL: raw })).toThrow(
      /DATABASE_URL \(is not a valid URL \(put the password in its own \*_PASSWORD/,
    )
    const redis = { ...valid, REDIS_URL: 'redis://:a/b@c:6379' }
    expect(() => loadConfig('backend', redis)).toThrow(/REDIS_URL/)
    expect(
      loadConfig('backend', {
        ...redis,
        REDIS_URL: 'redis://10.0.0.5:6379',
        REDIS_PASSWORD: 'a/b@c',
      }).REDIS_PASSWORD,
    ).toBe('a/b@c')
  })

  it('reads an empty value as unset', () => {
    const c = loadConfig('auth', {
      ...valid,
      GOOGLE_CLIENT_ID: '',
      DATABASE_PASSWORD: '',
      BCRYPT_COST: '',
    })
    expect([c.GOOGLE_CLIENT_ID, c.DATABASE_PASSWORD, c.BCRYPT_COST]).toEqual([
      undefined,
      undefined,
      12,
    ])
  })

  it('wants a public service key for every internal role, and only well-formed ones', () => {
    const without = keys.SERVICE_PUBLIC_KEYS.split(',')
      .filter((e) => !e.startsWith('ai:'))
      .join(',')
    expect(() => loadConfig('auth', { ...valid, SERVICE_PUBLIC_KEYS: without })).toThrow(
      /SERVICE_PUBLIC_KEYS \(has no key for ai\)/,
    )
    expect(() =>
      loadConfig('auth', {
        ...valid,
        SERVICE_PUBLIC_KEYS: `${keys.SERVICE_PUBLIC_KEYS},frontend:${'a'.repeat(43)}`,
      }),
    ).toThrow(/unknown role: frontend/)
    const rotating = `${keys.SERVICE_PUBLIC_KEYS},ai:${'b'.repeat(43)}` // the old and the new key of a role during rotation
    expect(
      loadConfig('auth', { ...valid, SERVICE_PUBLIC_KEYS: rotating }).SERVICE_PUBLIC_KEYS.get('ai'),
    ).toHaveLength(2)
  })
})
