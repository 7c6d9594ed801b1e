import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceKeyEnv } from '../lib/service-keys'
import { must } from '../test/must'
import { startPostgresServer } from '../test/postgres-server'

// The design's hosts as Linux network namespaces: two bridges (edge-net, core-net) in a switch namespace,
// a veth per interface, each role in its own namespace, PostgreSQL and Redis on the DB host (core-net only).
// No namespace has a default route, so no packet can go to an address this test did not create.
const ROOT = resolve(import.meta.dirname, '..')
const run = promisify(execFile)
const tag = Math.random().toString(36).slice(2, 6) // names stay unique when runs overlap
const ns = (host: string) => `ld${tag}${host}`
// The "internet" side is TEST-NET-1 (192.0.2.0/24), an address range reserved for documentation.
const HOSTS: Record<string, { public?: string; edge?: string; core?: string }> = {
  client: { public: '192.0.2.100' }, // a learner's machine
  front: { public: '192.0.2.10', edge: '10.1.0.10' },
  back: { edge: '10.1.0.2', core: '10.0.0.2' },
  auth: { core: '10.0.0.3' },
  credit: { core: '10.0.0.4' },
  db: { core: '10.0.0.5' },
  ai: { core: '10.0.0.6' },
}
const SWITCH = ns('sw')
let dir: string
let pgServer: Awaited<ReturnType<typeof startPostgresServer>> | undefined
const procs: ChildProcess[] = []

const ip = (...args: string[]) => run('ip', args)
const inNs = (host: string, cmd: string, args: string[], env: Record<string, string> = {}) =>
  spawn(
    'ip',
    [
      'netns',
      'exec',
      ns(host),
      'env',
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
      cmd,
      ...args,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )

/** Runs a Node script inside a host's namespace; resolves with what it printed as JSON. */
async function nodeIn(host: string, script: string) {
  const file = join(dir, `${host}-${Math.random().toString(36).slice(2)}.mjs`)
  await writeFile(file, script)
  const { stdout } = await run('ip', ['netns', 'exec', ns(host), process.execPath, file], {
    timeout: 30_000,
  })
  return JSON.parse(stdout)
}

function startRole(host: string, role: string, port: number, env: Record<string, string>) {
  const p = inNs(host, process.execPath, ['--import', 'tsx', 'deploy/start.ts', '--role', role], {
    ...env,
    HOST: '0.0.0.0',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    PATH: must(process.env.PATH),
  })
  procs.push(p)
  let out = ''
  return new Promise<void>((ok, fail) => {
    p.stdout.on('data', (d) => {
      out += d
      if (out.includes('"listening"')) ok()
    })
    p.stderr.on('data', (d) => (out += d))
    p.once('exit', (code) => fail(new Error(`${role} exited with ${code}: ${out}`)))
  })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lingudesk-topology-'))
  await ip('netns', 'add', SWITCH)
  for (const br of ['public', 'edge', 'core']) {
    await ip('-n', SWITCH, 'link', 'add', br, 'type', 'bridge')
    await ip('-n', SWITCH, 'link', 'set', br, 'up')
  }
  let n = 0
  for (const [host, nets] of Object.entries(HOSTS)) {
    await ip('netns', 'add', ns(host))
    await ip('-n', ns(host), 'link', 'set', 'lo', 'up')
    for (const [net, addr] of Object.entries(nets)) {
      const [inside, outside] = [`${net.slice(0, 4)}0`, `v${tag}${n++}`]
      await ip(
        'link',
        'add',
        outside,
        'netns',
        SWITCH,
        'type',
        'veth',
        'peer',
        'name',
        inside,
        'netns',
        ns(host),
      )
      await ip('-n', SWITCH, 'link', 'set', outside, 'master', net, 'up')
      await ip('-n', ns(host), 'addr', 'add', `${addr}/24`, 'dev', inside)
      await ip('-n', ns(host), 'link', 'set', inside, 'up')
    }
  }
  // The data tier on the DB host, reachable on core-net only.
  pgServer = await startPostgresServer({ netns: ns('db'), host: '10.0.0.5', port: 5432 })
  await run('ip', [
    'netns',
    'exec',
    ns('db'),
    'psql',
    '-h',
    '10.0.0.5',
    '-U',
    'postgres',
    '-c',
    'create database lingudesk',
  ])
  const redis = inNs('db', 'redis-server', [
    '--bind',
    '10.0.0.5',
    '--port',
    '6379',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
  ])
  procs.push(redis)
  const s3 = inNs('db', process.execPath, [
    '-e',
    `import('s3rver').then(({ default: S3rver }) => new S3rver({ address: '10.0.0.5', port: 9000, silent: true, directory: '${join(dir, 's3')}' }).run().then(() => console.log('"listening"')))`,
  ])
  procs.push(s3)
  await new Promise<void>((ok) =>
    s3.stdout.on('data', (d) => String(d).includes('listening') && ok()),
  )

  const common = {
    DATABASE_URL: 'postgres://postgres@10.0.0.5:5432/lingudesk',
    MIGRATION_DATABASE_URL: 'postgres://postgres@10.0.0.5:5432/lingudesk',
    ...(await serviceKeyEnv()),
    AUTH_URL: 'http://10.0.0.3:8082',
    CREDIT_URL: 'http://10.0.0.4:8083',
    AI_URL: 'http://10.0.0.6:8084',
    REDIS_URL: 'redis://10.0.0.5:6379',
    S3_ENDPOINT: 'http://10.0.0.5:9000',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  }
  await startRole('auth', 'auth', 8082, {
    ...common,
    KEY_ENCRYPTION_KEY: 'dG9wb2xvZ3ktdGVzdC1rZXktZW5jcnlwdGlvbi1rZXk',
    BCRYPT_COST: '4',
    SMTP_URL: `file://${join(dir, 'mail')}`,
  })
  await Promise.all([
    startRole('credit', 'credit', 8083, common),
    startRole('ai', 'ai', 8084, common),
    startRole('back', 'backend', 8081, { ...common, ALLOWED_ORIGINS: 'http://192.0.2.10:8080' }),
  ])
  await startRole('front', 'frontend', 8080, {
    BACKEND_URL: 'http://10.1.0.2:8081',
    ALLOWED_ORIGINS: 'http://192.0.2.10:8080',
  })
}, 120_000)

afterAll(async () => {
  for (const p of procs) p.kill('SIGKILL')
  await pgServer?.stop()
  for (const host of [...Object.keys(HOSTS), 'sw'])
    await ip('netns', 'del', ns(host)).catch(() => {})
  await rm(dir, { recursive: true, force: true })
})

const probe = (targets: string[]) => `
import { connect } from 'node:net'
const tryOne = (t) => new Promise((ok) => {
  const [host, port] = t.split(':')
  const s = connect({ host, port: Number(port), timeout: 2000 })
  s.once('connect', () => (s.destroy(), ok([t, 'open'])))
  s.once('timeout', () => (s.destroy(), ok([t, 'timeout'])))
  s.once('error', (e) => ok([t, e.code]))
})
console.log(JSON.stringify(Object.fromEntries(await Promise.all(${JSON.stringify(targets)}.map(tryOne)))))
`
const CORE = ['10.0.0.3:8082', '10.0.0.4:8083', '10.0.0.6:8084', '10.0.0.5:5432', '10.0.0.5:6379']

describe('the two-network topology, in network namespaces', () => {
  it('serves a learner end to end through the frontend', async () => {
    const result = await nodeIn(
      'client',
      `
      const base = 'http://192.0.2.10:8080'
      const headers = { 'content-type': 'application/json', 'x-device-id': 'topology-device-0001' }
      const { readdirSync, readFileSync } = await import('node:fs')
      const started = await fetch(base + '/api/auth/register', { method: 'POST', headers, body: JSON.stringify({ email: 'net@example.com', password: 'a topology passphrase', name: 'Net' }) })
      const { challenge } = await started.json()
      const mail = ${JSON.stringify(join(dir, 'mail'))} // on the filesystem the namespaces share
      const mailed = () => { try { return readdirSync(mail).map((f) => readFileSync(mail + '/' + f, 'utf8')) } catch { return [] } }
      let code
      for (let i = 0; i < 100 && !code; i++, await new Promise((r) => setTimeout(r, 50)))
        code = mailed().map((m) => /Subject: .*verification code: (\\d{6})/.exec(m)?.[1]).find(Boolean)
      const reg = await fetch(base + '/api/auth/register/verify', { method: 'POST', headers, body: JSON.stringify({ challenge, code }) })
      const { accessToken } = await reg.json()
      const auth = { ...headers, authorization: 'Bearer ' + accessToken }
      const deck = await fetch(base + '/api/decks', { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Netz', sourceLang: 'de', targetLang: 'en' }) })
      const list = await (await fetch(base + '/api/decks', { headers: auth })).json()
      const status = await (await fetch(base + '/api/status')).json()
      console.log(JSON.stringify({ register: reg.status, deck: deck.status, decks: list.decks?.map((d) => d.name) ?? list, status: status.status }))
    `,
    )
    expect(result).toEqual({ register: 201, deck: 201, decks: ['Netz'], status: 'up' })
  })

  it('leaves the frontend no way to auth, credit, ai or the data tier', async () => {
    const seen = await nodeIn('front', probe(CORE))
    expect(Object.values(seen).every((v) => v === 'ENETUNREACH')).toBe(true)
    expect(Object.keys(seen)).toEqual(CORE)
    // and the learner's machine reaches the frontend alone
    expect(
      await nodeIn('client', probe(['192.0.2.10:8080', '10.1.0.2:8081', '10.0.0.3:8082'])),
    ).toEqual({
      '192.0.2.10:8080': 'open',
      '10.1.0.2:8081': 'ENETUNREACH',
      '10.0.0.3:8082': 'ENETUNREACH',
    })
  })

  it('lets the backend reach both networks', async () => {
    expect(await nodeIn('back', probe(['10.1.0.10:8080', ...CORE]))).toEqual(
      Object.fromEntries(['10.1.0.10:8080', ...CORE].map((t) => [t, 'open'])),
    )
  })
})
