import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'

const valid = {
  DATABASE_URL: 'postgres://u@127.0.0.1/db',
  SERVICE_SECRET: 'x'.repeat(40),
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
    expect(() => loadConfig('auth', {})).toThrow(/DATABASE_URL.*SERVICE_SECRET.*SMTP_URL/)
  })

  it('refuses a bcrypt cost under 10 in production only', () => {
    expect(loadConfig('auth', { ...valid, BCRYPT_COST: '4' }).BCRYPT_COST).toBe(4)
    expect(() => loadConfig('auth', { ...valid, BCRYPT_COST: '4', NODE_ENV: 'production' })).toThrow(/BCRYPT_COST/)
  })

  it('names a bad key without echoing its value', () => {
    const run = () => loadConfig('auth', { ...valid, SERVICE_SECRET: 'short-s3cret' })
    expect(run).toThrow(/SERVICE_SECRET/)
    expect(run).not.toThrow(/short-s3cret/)
  })

  it('refuses a URL a raw password broke, pointing to the *_PASSWORD variables', () => {
    const raw = 'postgres://lingudesk_auth:ab/c@d@10.0.0.5:6432/lingudesk' // as `openssl rand -base64` makes them
    expect(() => loadConfig('auth', { ...valid, DATABASE_URL: raw })).toThrow(/DATABASE_URL \(is not a valid URL \(put the password in its own \*_PASSWORD/)
    const redis = { ...valid, REDIS_URL: 'redis://:a/b@c:6379' }
    expect(() => loadConfig('backend', redis)).toThrow(/REDIS_URL/)
    expect(loadConfig('backend', { ...redis, REDIS_URL: 'redis://10.0.0.5:6379', REDIS_PASSWORD: 'a/b@c' }).REDIS_PASSWORD).toBe('a/b@c')
  })

  it('reads an empty value as unset', () => {
    const c = loadConfig('auth', { ...valid, GOOGLE_CLIENT_ID: '', DATABASE_PASSWORD: '', BCRYPT_COST: '' })
    expect([c.GOOGLE_CLIENT_ID, c.DATABASE_PASSWORD, c.BCRYPT_COST]).toEqual([undefined, undefined, 12])
  })
})
