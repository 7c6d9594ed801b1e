import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../platform-harness'
import {
  fromZod,
  hostileString,
  hostileValue,
  learnFields,
  Raw,
  toJson,
  toParam,
} from './arbitraries'
import { borrowSchemas, type FuzzRoute, fillPath, lastly, paramsOf, routesOf } from './routes'
import { must } from '../must'

// Every route of every inner role, sent generated bodies, queries and parameters: mostly what its own zod
// schemas accept, part hostile. Any 5xx fails. Replay a failure with the printed seed:
//   FUZZ_SEED=<seed> FUZZ_ROUTES='<regex on "METHOD path">' npx vitest run test/fuzz
const SEED = Number(process.env.FUZZ_SEED ?? 15_015)
const RUNS = Number(process.env.FUZZ_RUNS ?? 40)
const ONLY = process.env.FUZZ_ROUTES ? new RegExp(process.env.FUZZ_ROUTES) : null
type FuzzedRole = 'backend' | 'auth' | 'credit' | 'ai'

let p: PlatformHarness
type Actor = {
  email: string
  password: string
  token: string
  userId: string
  deckId: string
  cardId: string
  noteId: string
  sessionId: string
}
let user: Actor
let admin: Actor
let routes: FuzzRoute[] = []

async function call(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-device-id': 'fuzz-device-0123456789',
    'x-forwarded-for': '203.0.113.9',
  }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(p.backend.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: await res.json().catch(() => null) }
}

/** A learner with a deck and a card whose ids the fuzzer uses; signed in again, or made anew, when a route ended it. */
async function actor(old?: Actor, asAdmin = false): Promise<Actor> {
  if (old && (await call('GET', '/api/credits/balance', undefined, old.token)).status === 200)
    return old
  const again =
    old && (await call('POST', '/api/auth/login', { email: old.email, password: old.password }))
  if (again?.status === 200)
    return { ...must(old), token: again.body.accessToken, sessionId: again.body.sessionId }
  const email = `fuzz.${randomBytes(5).toString('hex')}@example.com`
  const password = `fuzzing passphrase ${randomBytes(4).toString('hex')}`
  const started = await call('POST', '/api/auth/register', { email, password, name: 'Fuzz' })
  const mailed = must((await p.smtp.latest(email, /verification code/)).subject.match(/(\d{6})/))[1]
  let signedIn = await call('POST', '/api/auth/register/verify', {
    challenge: started.body.challenge,
    code: mailed,
  })
  if (asAdmin) {
    await p.db.owner.query(`update public.users set admin = true where id = $1`, [
      signedIn.body.user.id,
    ])
    const { challenge } = (await call('POST', '/api/auth/login', { email, password })).body
    const code = must((await p.smtp.latest(email, /sign-in code/)).subject.match(/(\d{6})/))[1]
    signedIn = await call('POST', '/api/auth/login/verify', { challenge, code })
  }
  const token = signedIn.body.accessToken
  const deck = await call(
    'POST',
    '/api/decks',
    { name: 'Fuzz', sourceLang: 'de', targetLang: 'en' },
    token,
  )
  const card = await call(
    'POST',
    `/api/decks/${deck.body.id}/cards`,
    { front: 'Haus', back: 'house', tags: ['noun'] },
    token,
  )
  return {
    email,
    password,
    token,
    userId: signedIn.body.user.id,
    sessionId: signedIn.body.sessionId,
    deckId: deck.body.id,
    cardId: card.body.id,
    noteId: card.body.noteId,
  }
}

beforeAll(async () => {
  const unlimited = '1000000/60'
  p = await platformHarness({
    aiEnv: {},
    backendEnv: {
      RATE_LIMIT_STANDARD: unlimited,
      RATE_LIMIT_AI: unlimited,
      RATE_LIMIT_PUBLIC: unlimited,
      RATE_LIMIT_ADMIN: unlimited,
    },
    creditEnv: { GRANT_FREE: '1000000000000', GRANT_PREMIUM: '1000000000000' },
  })
  user = await actor()
  admin = await actor(undefined, true)
  const of = (role: FuzzedRole) =>
    routesOf(role, must(must(p[role]).app), must(must(p[role]).config))
  const inner = [...of('auth'), ...of('credit'), ...of('ai')].filter((r) => !r.path.endsWith('/*')) // middleware of a subtree
  const all = [...borrowSchemas(of('backend'), inner), ...inner]
  const unique = new Map(all.map((r) => [`${r.role} ${r.method} ${r.path}`, r]))
  routes = [...unique.values()]
    .filter((r) => !ONLY || ONLY.test(`${r.method} ${r.path}`))
    .sort((a, b) => lastly(a) - lastly(b))
  learnFields(routes.flatMap((r) => (r.schemas.json ? [r.schemas.json] : [])))
  console.log(
    `fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} runs × ${routes.length} routes`,
  )
}, 120_000)
afterAll(() => p?.close())

// Each route its own sequence, reproducible from the one printed seed.
const seedOf = (r: FuzzRoute) =>
  [...`${r.role} ${r.method} ${r.path}`].reduce(
    (h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0,
    SEED,
  )

const idFor = (path: string, name: string) => {
  const owner = path.match(new RegExp(`/(\\w+)/:${name}`))?.[1] ?? ''
  const known: Record<string, string> = {
    cards: user.cardId,
    notes: user.noteId,
    decks: user.deckId,
    users: user.userId,
    balance: user.userId,
    sessions: user.sessionId,
    provider: 'google',
  }
  return known[owner] ?? known[name] ?? user.deckId
}

type Sent = ReturnType<typeof requestFor> extends fc.Arbitrary<infer T> ? T : never

/** One generated request for a route: who sends it, its path parameters, query and body. */
function requestFor(r: FuzzRoute) {
  const ids = [
    user.userId,
    user.deckId,
    user.cardId,
    user.noteId,
    user.sessionId,
    admin.userId,
    admin.deckId,
  ]
  // Mostly the id of what the path names (`/cards/:id` → the card), else any id, a valid-looking one or hostile.
  const param = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(idFor(r.path, name)) },
      { weight: 1, arbitrary: fc.constantFrom(...ids) },
      { weight: 1, arbitrary: hostileString(ids) },
      {
        weight: 1,
        arbitrary: r.schemas.param
          ? fromZod(r.schemas.param, ids).map((v) =>
              toParam((v as Record<string, unknown> | null)?.[name] ?? ''),
            )
          : fc.uuid(),
      },
    )
  const params = fc.record(Object.fromEntries(paramsOf(r.path).map((n) => [n, param(n)])))
  const query = r.schemas.query
    ? fromZod(r.schemas.query, ids)
    : fc.option(fc.dictionary(hostileString(), hostileValue(ids), { maxKeys: 2 }), { freq: 3 })
  const json = r.schemas.json ? fromZod(r.schemas.json, ids) : hostileValue(ids)
  const csv = fc
    .array(fc.array(hostileString(), { minLength: 1, maxLength: 4 }), { maxLength: 4 })
    .map((rows) => new Raw(['front,back,notes,tags', ...rows.map((c) => c.join(','))].join('\n')))
  const body =
    r.method === 'GET' || r.method === 'DELETE'
      ? fc.constant(undefined)
      : fc.oneof(
          { weight: 12, arbitrary: json },
          { weight: 1, arbitrary: csv },
          { weight: 1, arbitrary: fc.constant(undefined) },
        )
  const who = fc.constantFrom(...Array(6).fill('user'), 'admin', 'admin', 'nobody', 'forged')
  const wrongType = fc.oneof(
    { weight: 12, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json',
      ),
    },
  )
  return fc.record({ who, params, query, body, wrongType }).map(({ wrongType, ...q }) => ({
    ...q,
    type:
      wrongType ??
      (q.body instanceof Raw && q.body.text.startsWith('front') ? 'text/csv' : 'application/json'),
  }))
}

const encode = (v: unknown) => {
  const s = toParam(v)
  try {
    return encodeURIComponent(s)
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/gu, '')) + '%ED%A0%80' // a surrogate half as the bytes a client could send
  }
}

async function send(r: FuzzRoute, q: Sent) {
  const path = fillPath(
    r.path,
    Object.fromEntries(Object.entries(q.params).map(([k, v]) => [k, encode(v)])),
  )
  const search =
    q.query && typeof q.query === 'object' && !(q.query instanceof Raw)
      ? Object.entries(q.query)
          .map(([k, v]) => `${encode(k)}=${encode(v)}`)
          .join('&')
      : q.query === undefined || q.query === null
        ? ''
        : `q=${encode(q.query)}`
  const headers: Record<string, string> = {
    'x-device-id': 'fuzz-device-0123456789',
    'x-forwarded-for': '198.51.100.7',
    'idempotency-key': `fuzz-${randomBytes(6).toString('hex')}`,
  }
  const token =
    q.who === 'user'
      ? user.token
      : q.who === 'admin'
        ? admin.token
        : q.who === 'forged'
          ? 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'
          : undefined
  if (token) headers.authorization = `Bearer ${token}`
  if (r.role !== 'backend') headers['x-service-token'] = await p.serviceToken(r.role as 'auth')
  if (q.body !== undefined) headers['content-type'] = q.type
  const body =
    q.body === undefined
      ? undefined
      : q.body instanceof Raw && q.type !== 'application/json'
        ? q.body.text
        : toJson(q.body)
  const res = await fetch(
    `${must(p[r.role as FuzzedRole]).url}${path}${search ? `?${search}` : ''}`,
    {
      method: r.method,
      headers,
      body,
      redirect: 'manual',
    },
  )
  return { status: res.status, text: await res.text() }
}

describe('fuzzing every route', () => {
  it('never answers 5xx to generated input', async () => {
    if (!ONLY) expect(routes.length).toBeGreaterThan(60) // the apps were read
    const failures: string[] = []
    const statuses = new Map<string, number>() // printed: how deep the inputs got (2xx) besides refusals
    for (const r of routes) {
      const started = performance.now()
      user = await actor(user)
      admin = await actor(admin, true)
      const outcome = await fc.check(
        fc.asyncProperty(requestFor(r), async (q) => {
          const res = await send(r, q)
          statuses.set(`${res.status}`, (statuses.get(`${res.status}`) ?? 0) + 1)
          if (process.env.FUZZ_VERBOSE)
            console.log(
              res.status,
              q.who,
              r.method,
              r.path,
              process.env.FUZZ_VERBOSE === '2'
                ? `${toJson(q).slice(0, 300)} → ${res.text.slice(0, 300)}`
                : '',
            )
          if (res.status >= 500) throw new Error(`${res.status} ${res.text.slice(0, 300)}`)
        }),
        { seed: seedOf(r), numRuns: RUNS, endOnFailure: true },
      )
      if (process.env.FUZZ_VERBOSE)
        console.log(
          `route took ${Math.round(performance.now() - started)} ms: ${r.role} ${r.method} ${r.path}`,
        )
      if (outcome.failed)
        failures.push(`${r.role}: ${r.method} ${r.path}\n${fc.defaultReportMessage(outcome)}`)
    }
    console.log(
      `fuzz: answers by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    )
    expect(failures, `seed ${SEED}`).toEqual([])
  }, 600_000)
})
