// The one typed client for the public /api. The access token lives in memory only; the refresh token is an
// HttpOnly cookie the browser sends to /api/auth/refresh. A 401 UNAUTHORIZED (the access token expired)
// triggers one shared refresh, then one retry; other 401s (a wrong code, a wrong password) are answers about
// what was sent, never retried, so a typo costs one attempt, not two.

import type { Card as ServerCard, Example } from '../../../lib/content/cards'
import type { Deck as ServerDeck } from '../../../lib/content/decks'
import type { NoteFields, NoteType } from '../../../lib/content/note-types'
import type { CARD_ACTIONS } from '../../../lib/content/card-states'
import type { Preset as ServerPreset } from '../../../lib/content/presets'
import type { Optimisation } from '../../../lib/content/fsrs-weights'
import type { RetentionForecast } from '../../../lib/content/retention-forecast'
import type { Settings } from '../../../lib/content/study'
import type { UserRole } from '../../../lib/jwt'
import type * as A from './admin-types'
import { xhrFetch } from './xhr-fetch'

// The server's own types, as JSON carries them (dates become strings): `import type` adds no server code.
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] }
export type Role = UserRole
export type User = {
  id: string
  email: string
  name: string
  role: Role
  emailVerified: boolean
  twoFactor: boolean
}
export type Deck = Json<ServerDeck>
/** A deck's study options (the options page), which a preset shares between decks. */
export type DeckOptions = Pick<
  Deck,
  | 'newPerDay'
  | 'reviewsPerDay'
  | 'desiredRetention'
  | 'maximumInterval'
  | 'leechThreshold'
  | 'leechAction'
  | 'autoplay'
  | 'burySiblings'
>
export type DeckInput = Partial<
  Pick<Deck, 'name' | 'description' | 'sourceLang' | 'targetLang' | 'presetId'> & DeckOptions
>
export type Preset = ServerPreset
export type { RetentionForecast }
export type CardAction = (typeof CARD_ACTIONS)[number]
import type { CardFilter } from '../../../lib/content/card-filters'
export { CARD_FILTERS, type CardFilter } from '../../../lib/content/card-filters'
export type { Example }
/** A card as the server answers it: every field present. */
export type Card = Json<Required<ServerCard>>
export type CardInput = {
  front?: string
  back?: string
  notes?: string
  examples?: Example[]
  tags?: string[]
  imageKey?: string | null
  audioKey?: string | null
}
export type CardField = 'back' | 'notes' | 'examples' | 'imageKey' | 'audioKey'
/** An AI answer: placed into an empty field (`applied`), or a `proposal` the learner accepts, adds or discards. */
export type AiAnswer = {
  card: Card
  cost: number
  applied: CardField | null
  proposal: { field: CardField; value: string | Example[] } | null
  demo: boolean
}
export type CardChange = {
  id: string
  change: string
  before: Required<Omit<CardInput, 'imageKey' | 'audioKey'>> & {
    imageKey: string | null
    audioKey: string | null
  }
  createdAt: string
}
/** A sign-up's code is on its way; a new one may be asked for in `resendIn` seconds. */
export type SignUpSent = { challenge: string; resendIn: number; message: string }
export type Grade = 'again' | 'hard' | 'good' | 'easy'
export type QueueCard = Card & {
  note: { type: NoteType; fields: NoteFields }
  autoplay: boolean
  intervals: Record<Grade, { due: string; seconds: number }>
}
export type { NoteFields, NoteType }
/** A note with the cards its type made from its fields. */
export type Note = {
  id: string
  deckId: string
  type: NoteType
  fields: NoteFields
  createdAt: string
  updatedAt: string
  cards: Card[]
}
export type NoteInput = { type: NoteType; fields: NoteFields; tags?: string[]; notes?: string }
export type Page<T> = { items: T[]; nextCursor: string | null }
export type ImportResult = {
  dryRun: boolean
  valid: number
  imported: number
  errors: { row: number; issues: { path: string; message: string }[] }[]
  preview: { type: NoteType; fields: NoteFields; card: { tags?: string[] } }[]
}
/** What an Anki package holds (a dry run), or what a finished import took in (ANKI-API.md). */
export type AnkiSummary = {
  decks: { name: string; notes: number; cards: number; reviews: number; media: number }[]
  noteTypes: { name: string; mappedTo: NoteType; notes: number }[]
  totals: { decks: number; notes: number; cards: number; reviews: number; media: number }
  skipped: {
    kind: 'deck' | 'noteType' | 'note' | 'card' | 'review' | 'media'
    id: string
    reason: string
  }[]
}
export type ImportJob = {
  id: string
  name: string | null
  state: 'running' | 'done' | 'failed'
  step: 'media' | 'commit' | null
  done: number
  total: number
  summary: AnkiSummary
  error: { code: string; message: string } | null
  createdAt: string
  finishedAt: string | null
}
export type Stats = {
  timezone: string
  today: string
  reviewsPerDay: { day: string; reviews: number }[]
  streak: { current: number; longest: number }
  retention30d: number | null
  cardsByState: Record<'new' | 'learning' | 'review' | 'relearning', number>
  dueForecast: { day: string; due: number }[]
}
export type Balance = {
  userType: 'free' | 'plus' | 'premium'
  balance: number
  held: number
  pending: number
  available: number
}
export type Transaction = {
  id: string
  userId: string
  kind: string
  amount: number
  balanceAfter: number
  actor: string
  reason: string
  refundOf: string | null
  /** Admin search only: what is left to refund of a debit. */
  refundable?: number
  createdAt: string
}
export type Checkout = {
  configured: boolean
  environment: string
  clientToken: string | null
  plans: { priceId: string; plan: string; monthlyGrant: number }[]
  topUps: { priceId: string; amount: number }[]
  customer: { email: string }
  customData: Record<string, string>
}
export type Session = {
  id: string
  userAgent: string | null
  ip: string | null
  createdAt: string
  lastUsedAt: string
  current: boolean
}
export type AiAction = 'translate' | 'examples' | 'explain' | 'image' | 'audio'
export type StudySettings = Settings & { optimisation: Optimisation | null }
export type { Optimisation }
export type AdminStats = {
  days: number
  daily: {
    day: string
    activeLearners: number
    reviews: number
    reviewers: number
    signups: number
    revenue: Record<string, number>
    credits: { granted: number; purchased: number; spent: number; refunded: number }
    aiCalls: number
    aiCost: number
  }[]
  totals: {
    users: number
    disabled: number
    verified: number
    activeInWindow: number
    usersByType: Record<string, number>
    payingByPlan: Record<string, Record<string, number>>
    /** Learners with FSRS weights fitted to their reviews, and those whose weights schedule (better than the defaults). */
    fsrsOptimised: { fitted: number; inUse: number }
  }
  topSpenders: { userId: string; spent: number }[]
}
export type AiProvider = {
  kind: 'text' | 'image' | 'audio'
  configured: boolean
  state: string
  queued: number
}
export type PlatformStatus = { status: string; aiProviders: Record<string, AiProvider> | null }
/** The kinds of AI answer only the offline stand-in gives here (no provider of that kind is configured). */
export const demoKinds = (s: PlatformStatus) =>
  (['text', 'image', 'audio'] as const).filter(
    (k) =>
      !Object.entries(s.aiProviders ?? {}).some(
        ([id, p]) => id !== 'offline' && p.kind === k && p.configured,
      ),
  )
type Signed = { accessToken: string; user: User }
export type LoginAnswer = Signed | { twoFactorRequired: true; challenge: string }

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfter?: number,
    readonly requestId?: string,
  ) {
    super(message)
  }
}
/** No answer at all (offline, server unreachable): status 0, code NETWORK. */
const networkError = (cause: unknown) =>
  new ApiError(0, 'NETWORK', `No answer from the server (${(cause as Error)?.message ?? cause})`)

type Options = {
  body?: unknown
  query?: Record<string, string | number | undefined>
  csv?: string
  /** A file sent as it is (an upload: the server reads its type from its content). */
  file?: Blob
  /** Sends over XMLHttpRequest, reporting the fraction of the body sent (fetch cannot). */
  onUpload?: (fraction: number) => void
  auth?: boolean
  key?: string
}
export type ApiDeps = {
  /** Where /api lives ('' in the browser: same origin). */
  base?: string
  fetch?: typeof fetch
  /** Where the device id is kept (refresh tokens are bound to it). */
  storage?: Pick<Storage, 'getItem' | 'setItem'>
  /** Called when the session is gone for good (refresh refused). */
  onSignedOut?: () => void
}

const randomDevice = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('')

export function createApi(deps: ApiDeps = {}) {
  const base = deps.base ?? ''
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init))
  let device = deps.storage?.getItem('ld_device') ?? ''
  if (!device) {
    device = randomDevice()
    deps.storage?.setItem('ld_device', device)
  }
  let token: string | null = null
  let user: User | null = null
  let refreshing: Promise<boolean> | null = null
  const listeners = new Set<(u: User | null) => void>()
  const setSession = (s: Signed | null) => {
    token = s?.accessToken ?? null
    user = s?.user ?? null
    for (const l of listeners) l(user)
  }

  async function send(method: string, path: string, o: Options): Promise<Response> {
    const url = new URL(base + path, base || location.origin)
    for (const [k, v] of Object.entries(o.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v))
    const headers: Record<string, string> = { 'x-device-id': device }
    if (token && o.auth !== false) headers.authorization = `Bearer ${token}`
    if (o.body !== undefined) headers['content-type'] = 'application/json'
    if (o.csv !== undefined) headers['content-type'] = 'text/csv; charset=utf-8'
    if (o.file) headers['content-type'] = 'application/octet-stream'
    if (o.key) headers['idempotency-key'] = o.key
    const body = o.file ?? o.csv ?? (o.body === undefined ? undefined : JSON.stringify(o.body))
    const to = base ? url.href : url.pathname + url.search
    try {
      if (o.onUpload) return await xhrFetch(to, { method, headers, body }, o.onUpload)
      return await doFetch(to, { method, headers, body, credentials: 'same-origin' })
    } catch (err) {
      throw networkError(err)
    }
  }

  async function fail(res: Response): Promise<never> {
    const json = await res.json().catch(() => null)
    const e = json?.error
    const retry =
      Number(res.headers.get('retry-after')) || (e?.details?.retryAfter as number | undefined)
    throw new ApiError(
      res.status,
      e?.code ?? 'HTTP_' + res.status,
      e?.message ?? `The server answered ${res.status}`,
      e?.details,
      retry || undefined,
      e?.requestId,
    )
  }

  /**
   * Trades the refresh cookie for a new access token; concurrent callers share one attempt. False when the
   * server refused it (the session is over); a network failure throws instead, since nothing ended.
   */
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      try {
        const res = await send('POST', '/api/auth/refresh', { auth: false })
        if (!res.ok) {
          setSession(null)
          return false
        }
        setSession(await res.json())
        return true
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  /** Only an expired or unknown access token is worth a refresh; the body says which 401 this is. */
  const tokenRefused = async (res: Response) =>
    res.status === 401 &&
    (
      await res
        .clone()
        .json()
        .catch(() => null)
    )?.error?.code === 'UNAUTHORIZED'

  async function raw(method: string, path: string, o: Options = {}): Promise<Response> {
    let res = await send(method, path, o)
    if (o.auth !== false && token !== null && (await tokenRefused(res))) {
      if (await refresh()) res = await send(method, path, o)
      else deps.onSignedOut?.()
    }
    if (!res.ok) await fail(res)
    return res
  }
  async function json<T>(method: string, path: string, o: Options = {}): Promise<T> {
    const res = await raw(method, path, o)
    return (res.status === 204 ? null : await res.json()) as T
  }
  /**
   * A paid action: sent with an Idempotency-Key of its own and, after a network error, once more with the
   * same key, so an answer lost on the way comes from the server's store instead of being run (and charged)
   * again.
   */
  function paid<T>(path: string, body: unknown): Promise<T> {
    const o = { body, key: `web-${randomDevice()}` }
    return json<T>('POST', path, o).catch((e) => {
      if (!(e instanceof ApiError && e.code === 'NETWORK')) throw e
      return json<T>('POST', path, o)
    })
  }
  const signedIn = (s: Signed) => (setSession(s), s.user)

  return {
    get user() {
      return user
    },
    get token() {
      return token
    },
    onUser(l: (u: User | null) => void) {
      listeners.add(l)
      return () => void listeners.delete(l)
    },
    /** On load: a live refresh cookie restores the session (unreachable server: stays signed out). */
    restore: () => refresh().catch(() => false),
    refresh,
    auth: {
      /** Starts a sign-up; the code comes by mail (the answer is the same whether or not the address is free). */
      register: (b: { name: string; email: string; password: string }) =>
        json<SignUpSent>('POST', '/api/auth/register', { body: b, auth: false }),
      /** A new code for a sign-up, at most one a minute; the answer's challenge replaces the old one. */
      resendSignUp: (challenge: string) =>
        json<SignUpSent>('POST', '/api/auth/register/resend', {
          body: { challenge },
          auth: false,
        }),
      finishSignUp: async (b: { challenge: string; code: string }) =>
        signedIn(await json<Signed>('POST', '/api/auth/register/verify', { body: b, auth: false })),
      login: async (b: { email: string; password: string }) => {
        const a = await json<LoginAnswer>('POST', '/api/auth/login', { body: b, auth: false })
        return 'accessToken' in a ? { user: signedIn(a) } : { challenge: a.challenge }
      },
      verifyLogin: async (b: { challenge: string; code: string }) =>
        signedIn(await json<Signed>('POST', '/api/auth/login/verify', { body: b, auth: false })),
      verifyEmail: async (code: string) => {
        await json('POST', '/api/auth/email/verify', { body: { code } })
        await refresh() // the new token says the address is verified (and carries an admin role if one came with it)
      },
      resendEmail: () => json<{ resendIn: number }>('POST', '/api/auth/email/resend', { body: {} }),
      forgot: (email: string) =>
        json('POST', '/api/auth/password/forgot', { body: { email }, auth: false }),
      reset: (b: { token: string; password: string }) =>
        json('POST', '/api/auth/password/reset', { body: b, auth: false }),
      changePassword: async (b: { currentPassword: string; newPassword: string }) => {
        await json('POST', '/api/auth/password', { body: b })
        setSession(null)
      },
      setTwoFactor: async (b: { enabled: boolean; password: string }) => {
        const u = await json<User>('PUT', '/api/auth/two-factor', { body: b })
        if (token && user)
          setSession({ accessToken: token, user: { ...user, twoFactor: u.twoFactor } })
      },
      sessions: () => json<{ sessions: Session[] }>('GET', '/api/auth/sessions'),
      revokeSession: (id: string) => json('DELETE', `/api/auth/sessions/${id}`),
      providers: () =>
        json<{ providers: string[] }>('GET', '/api/auth/oauth/providers', { auth: false }),
      oauthStart: (provider: string) =>
        json<{ url: string }>('POST', `/api/auth/oauth/${provider}/start`, {
          body: {},
          auth: false,
        }),
      logout: async () => {
        await json('POST', '/api/auth/logout', { body: {} }).catch(() => null)
        setSession(null)
      },
    },
    decks: {
      list: () => json<{ decks: Deck[] }>('GET', '/api/decks'),
      create: (b: DeckInput) => json<Deck>('POST', '/api/decks', { body: b }),
      get: (id: string) => json<Deck>('GET', `/api/decks/${id}`),
      update: (id: string, b: DeckInput) => json<Deck>('PATCH', `/api/decks/${id}`, { body: b }),
      remove: (id: string) => json('DELETE', `/api/decks/${id}`),
      retentionForecast: (id: string) =>
        json<RetentionForecast>('GET', `/api/decks/${id}/retention-forecast`),
      cards: (
        id: string,
        q: {
          q?: string
          tag?: string
          is?: CardFilter
          flag?: number
          cursor?: string
          limit?: number
        } = {},
      ) => json<Page<Card>>('GET', `/api/decks/${id}/cards`, { query: q }),
      extendToday: (id: string, b: { newCards?: number; reviews?: number }) =>
        json<Deck>('POST', `/api/decks/${id}/extend-today`, { body: b }),
      addCards: (id: string, cards: CardInput[]) =>
        json<{ cards: Card[] }>('POST', `/api/decks/${id}/cards`, { body: { cards } }),
      importCsv: (id: string, csv: string, dryRun: boolean) =>
        json<ImportResult>('POST', `/api/decks/${id}/import`, {
          csv,
          query: { dryRun: String(dryRun) },
        }),
      exportCsv: async (id: string) => (await raw('GET', `/api/decks/${id}/export`)).blob(),
      exportApkg: async (id: string) => (await raw('GET', `/api/decks/${id}/export.apkg`)).blob(),
    },
    notes: {
      add: (deckId: string, b: NoteInput) =>
        json<Note>('POST', `/api/decks/${deckId}/notes`, { body: b }),
      get: (id: string) => json<Note>('GET', `/api/notes/${id}`),
      update: (
        id: string,
        b: { fields?: NoteFields; tags?: string[]; removeEmptyCards?: boolean },
      ) => json<Note>('PATCH', `/api/notes/${id}`, { body: b }),
      /** 409 CONFLICT with `{ cards, reviews }` when cards would be deleted and `confirm` is not set. */
      changeType: (id: string, b: { type: NoteType; fields?: NoteFields; confirm?: boolean }) =>
        json<Note>('PUT', `/api/notes/${id}/type`, { body: b }),
    },
    cards: {
      get: (id: string) => json<Card>('GET', `/api/cards/${id}`),
      update: (id: string, b: CardInput) => json<Card>('PATCH', `/api/cards/${id}`, { body: b }),
      remove: (id: string) => json('DELETE', `/api/cards/${id}`),
      prices: () =>
        json<{ actions: Record<AiAction, { atMost: number }> }>('GET', '/api/cards/ai/prices'),
      ai: (id: string, action: AiAction, o: { level?: string; n?: number } = {}) =>
        paid<AiAnswer>(`/api/cards/${id}/ai/${action}`, o),
      history: (id: string) => json<{ items: CardChange[] }>('GET', `/api/cards/${id}/history`),
      restore: (id: string, entryId: string) =>
        json<Card>('POST', `/api/cards/${id}/history/${entryId}/restore`),
      act: (ids: string[], action: CardAction, flag?: number) =>
        json<{ updated: number }>('POST', '/api/cards/actions', { body: { ids, action, flag } }),
      upload: (id: string, file: Blob) => json<Card>('POST', `/api/cards/${id}/media`, { file }),
    },
    presets: {
      list: () => json<{ presets: Preset[] }>('GET', '/api/presets'),
      create: (b: Partial<DeckOptions> & { name: string }) =>
        json<Preset>('POST', '/api/presets', { body: b }),
      update: (id: string, b: Partial<DeckOptions> & { name?: string }) =>
        json<Preset>('PATCH', `/api/presets/${id}`, { body: b }),
      remove: (id: string) => json('DELETE', `/api/presets/${id}`),
    },
    /** Media need the access token, so they arrive as blobs for object URLs (the CSP allows blob:). */
    media: async (key: string) =>
      URL.createObjectURL(await (await raw('GET', `/api/ai/media/${key}`)).blob()),
    study: {
      /** Today's queue, or custom study: `ahead` days of reviews, or every card with `tag`. */
      queue: (deckId?: string, custom: { ahead?: number; tag?: string } = {}) =>
        json<{ cards: QueueCard[]; total: number }>('GET', '/api/study/queue', {
          query: { deckId, limit: 200, ...custom },
        }),
      review: (b: { cardId: string; grade: Grade; version: number; durationMs: number }) =>
        json<Card & { leech: boolean }>('POST', '/api/study/review', { body: b }),
      undo: () => json<Card>('POST', '/api/study/undo', { body: {} }),
      settings: () => json<StudySettings>('GET', '/api/study/settings'),
      saveSettings: (b: Partial<StudySettings>) =>
        json<StudySettings>('PUT', '/api/study/settings', { body: b }),
      optimise: () => json<Optimisation>('POST', '/api/study/optimise'),
    },
    imports: {
      /** A dry run answers what the package holds; a real one answers the job that imports it. */
      anki: <D extends boolean>(
        file: Blob,
        name: string,
        dryRun: D,
        onUpload: (f: number) => void,
      ) =>
        json<D extends true ? { summary: AnkiSummary } : { job: ImportJob }>(
          'POST',
          '/api/imports/anki',
          { file, onUpload, query: { dryRun: String(dryRun), name } },
        ),
      get: (id: string) => json<{ job: ImportJob }>('GET', `/api/imports/${id}`),
      list: () => json<{ jobs: ImportJob[] }>('GET', '/api/imports'),
    },
    stats: () => json<Stats>('GET', '/api/stats'),
    /** Which services and AI providers answer now (public: no account data). */
    status: () => json<PlatformStatus>('GET', '/api/status', { auth: false }),
    credits: {
      balance: () => json<Balance>('GET', '/api/credits/balance'),
      history: (cursor?: string) =>
        json<Page<Transaction>>('GET', '/api/credits/history', { query: { cursor, limit: 20 } }),
      checkout: () => json<Checkout>('GET', '/api/credits/checkout'),
    },
    account: {
      export: async () => (await raw('GET', '/api/account/export')).blob(),
      remove: async (password: string) => {
        await json('POST', '/api/account/delete', { body: { password } })
        setSession(null)
      },
    },
    admin: {
      stats: (days = 30) => json<AdminStats>('GET', '/api/admin/stats', { query: { days } }),
      transactions: (q: Record<string, string | number | undefined>) =>
        json<Page<Transaction>>('GET', '/api/admin/transactions', { query: q }),
      refund: (b: { transactionId: string; amount?: number; reason: string; key: string }) =>
        json<Transaction>('POST', '/api/admin/refunds', { body: b }),
      adjust: (b: { userId: string; amount: number; reason: string; key: string }) =>
        json<Transaction>('POST', '/api/admin/adjustments', { body: b }),
      users: (q: A.PeopleQuery) =>
        json<Page<A.Person>>('GET', '/api/admin/users', { query: { ...q, limit: 25 } }),
      usersCsv: async (q: A.PeopleQuery) =>
        (await raw('GET', '/api/admin/users', { query: { ...q, format: 'csv' } })).blob(),
      user: (id: string) => json<A.PersonPage>('GET', `/api/admin/users/${id}`),
      credits: (id: string) => json<A.PersonCredits>('GET', `/api/admin/users/${id}/credits`),
      aiUsage: (id: string, days = 30) =>
        json<A.AiUsage>('GET', `/api/admin/users/${id}/ai-usage`, { query: { days } }),
      setStatus: (id: string, b: { status: 'active' | 'disabled'; reason: string }) =>
        json('PUT', `/api/admin/users/${id}/status`, { body: b }),
      setAdmin: (id: string, b: { admin: boolean; reason: string }) =>
        json<{ changed: boolean; sessionIds: string[] }>('PUT', `/api/admin/users/${id}/admin`, {
          body: b,
        }),
      revokeSessions: (id: string, b: { sessionId?: string; reason: string }) =>
        json<{ ended: number }>('POST', `/api/admin/users/${id}/sessions/revoke`, { body: b }),
      resendVerification: (id: string, reason: string) =>
        json('POST', `/api/admin/users/${id}/verification`, { body: { reason } }),
      setPlan: (id: string, b: { plan?: A.Plan; until: string | null; reason: string }) =>
        json<A.PersonCredits['plan']>('PUT', `/api/admin/users/${id}/plan`, { body: b }),
      exportUser: async (id: string, reason: string) =>
        (await raw('POST', `/api/admin/users/${id}/export`, { body: { reason } })).blob(),
      eraseUser: (id: string, b: { reason: string; confirm: string }) =>
        json<{ erased: boolean; pseudonym: string | null }>(
          'POST',
          `/api/admin/users/${id}/erase`,
          { body: b },
        ),
      audit: (q: A.AuditQuery) =>
        json<Page<A.AuditEvent>>('GET', '/api/admin/audit', { query: { ...q, limit: 50 } }),
      auditCsv: async (q: A.AuditQuery) =>
        (await raw('GET', '/api/admin/audit', { query: { ...q, format: 'csv' } })).blob(),
      keys: () =>
        json<{
          keys: A.SigningKey[]
          rotationDays: number
          publishLeadS: number
          nextRotationAt: string | null
        }>('GET', '/api/admin/keys'),
      rotateKeys: (b: { emergency: boolean; reason: string }) =>
        json<{ kid: string }>('POST', '/api/admin/keys/rotate', { body: b }),
      providers: () => json<{ providers: A.Provider[] }>('GET', '/api/admin/ai/providers'),
    },
  }
}
export type Api = ReturnType<typeof createApi>

/** µ€ as euros for people: €0.0030, €12.50. */
export const euros = (micros: number) => {
  const e = Math.abs(micros) / 1_000_000
  return `${micros < 0 ? '−' : ''}€${e < 0.01 && e !== 0 ? e.toFixed(4) : e.toFixed(2)}`
}
