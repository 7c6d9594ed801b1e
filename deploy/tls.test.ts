import type { TLSSocket } from 'node:tls'
import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import createFrontendApp from '../functions/frontend/index'
import { MIGRATIONS_DIR } from '../lib/node/migrations'
import { freePort } from '../test/loopback'
import { type PlatformHarness, platformHarness } from '../test/platform-harness'
import { type RoleServer, startRole } from './serve'
import { must } from '../test/must'

// The public edge as shipped: the frontend serves HTTPS itself (TLS 1.2+, a certificate the test makes with
// openssl, reloaded when its files change) and redirects plain HTTP; the SPA and /api over it carry HSTS and
// the gateway's __Host- Secure refresh cookie.
const run = promisify(execFile)
let dir: string
let p: PlatformHarness
let edge: RoleServer
let origin: string
const files = () => ({ cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') })

const makeCert = (cn: string) =>
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${cn}`,
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    files().key,
    '-out',
    files().cert,
  ])

type Reply = {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  cert?: X509Certificate
}
/** One HTTPS request trusting only the test's certificate; reports the certificate the server showed. */
async function https(
  path: string,
  o: { method?: string; body?: unknown; ca: string; maxVersion?: 'TLSv1.1' | 'TLSv1.3' },
) {
  return new Promise<Reply>((ok, fail) => {
    const req = request(
      origin + path,
      {
        method: o.method ?? 'GET',
        ca: o.ca,
        maxVersion: o.maxVersion,
        agent: false,
        headers: {
          origin,
          'content-type': 'application/json',
          'x-device-id': 'tls-test-device-0001',
        },
      },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () =>
          ok({
            status: must(res.statusCode),
            headers: res.headers,
            body,
            cert: (res.socket as TLSSocket).getPeerX509Certificate?.(),
          }),
        )
      },
    )
    req.once('error', fail)
    req.end(o.body === undefined ? undefined : JSON.stringify(o.body))
  })
}
const ca = () => readFile(files().cert, 'utf8')

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lingudesk-tls-'))
  await makeCert('first')
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lingudesk</title>')
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  origin = `https://127.0.0.1:${httpsPort}`
  p = await platformHarness({ backendEnv: { ALLOWED_ORIGINS: origin } }) // COOKIE_SECURE=auto: it trusts the edge
  edge = await startRole('frontend', createFrontendApp, {
    env: {
      PORT: String(httpsPort),
      HTTP_REDIRECT_PORT: String(httpPort),
      PUBLIC_HTTPS_PORT: String(httpsPort),
      LOG_LEVEL: 'error',
      TLS_CERT_FILE: files().cert,
      TLS_KEY_FILE: files().key,
      BACKEND_URL: p.backend.url,
      ALLOWED_ORIGINS: origin,
    },
    migrationsDir: MIGRATIONS_DIR,
    assetsDir: dir,
  })
})
afterAll(async () => {
  await edge?.close()
  await p?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('HTTPS at the edge', () => {
  it('serves the SPA over TLS with HSTS, and refuses TLS 1.1', async () => {
    expect(edge.url).toBe(origin)
    const spa = await https('/decks', { ca: await ca() })
    expect([spa.status, spa.body, spa.headers['strict-transport-security']]).toEqual([
      200,
      '<!doctype html><title>Lingudesk</title>',
      'max-age=31536000; includeSubDomains',
    ])
    await expect(https('/', { ca: await ca(), maxVersion: 'TLSv1.1' })).rejects.toThrow(
      /version|protocol|alert/i,
    )
  })

  it('serves /api over TLS: the gateway sees HTTPS and sets the __Host- Secure refresh cookie, with HSTS', async () => {
    const started = await https('/api/auth/register', {
      method: 'POST',
      ca: await ca(),
      body: { email: 'tls@example.com', password: 'a passphrase over tls', name: 'Tia' },
    })
    expect(started.status).toBe(202)
    const mail = await p.smtp.latest('tls@example.com', /verification code/)
    const reg = await https('/api/auth/register/verify', {
      method: 'POST',
      ca: await ca(),
      body: {
        challenge: JSON.parse(started.body).challenge,
        code: must(mail.subject.match(/(\d{6})/))[1],
      },
    })
    expect(reg.status).toBe(201)
    expect(reg.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
    const cookie = must(
      (reg.headers['set-cookie'] as string[]).find((c) => c.includes('ld_refresh')),
    )
    expect(cookie).toMatch(/^__Host-ld_refresh=[^;]+;.*Path=\/;.*HttpOnly;.*Secure;.*SameSite=Lax/)
  })

  it('redirects plain HTTP to the same path over HTTPS', async () => {
    const res = await fetch(`${edge.redirectUrl}/decks/7?x=1`, {
      method: 'POST',
      redirect: 'manual',
    })
    expect([res.status, res.headers.get('location')]).toEqual([308, `${origin}/decks/7?x=1`])
  })

  it('picks up a renewed certificate without a restart', async () => {
    expect((await https('/', { ca: await ca() })).cert?.subject).toBe('CN=first')
    await makeCert('renewed')
    const seen = async () => (await https('/', { ca: await ca() })).cert?.subject
    for (let i = 0; i < 40 && (await seen().catch(() => '')) !== 'CN=renewed'; i++)
      await new Promise((r) => setTimeout(r, 250))
    expect(await seen()).toBe('CN=renewed')
  })
})
