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
})
