// What the admin console's endpoints answer (see the README's "Admin console").

export type Plan = 'free' | 'plus' | 'premium'
export type Person = {
  id: string
  email: string
  name: string
  role: 'user' | 'plus' | 'premium' | 'admin'
  admin: boolean
  status: 'active' | 'locked' | 'disabled' | 'deleted'
  emailVerified: boolean
  twoFactor: boolean
  createdAt: string
  lastActiveAt: string | null
  comp: { role: string; until: string } | null
}
export type AuditEvent = {
  id: string
  at: string
  actor: string
  action: string
  subjectId: string | null
  outcome: string
  requestId: string | null
  ip: string | null
  userAgent: string | null
  details: { reason?: string; before?: unknown; after?: unknown } & Record<string, unknown>
}
export type AdminSession = {
  id: string
  deviceId: string
  userAgent: string | null
  ip: string | null
  createdAt: string
  lastUsedAt: string
}
export type PersonPage = Person & {
  signIn: {
    password: boolean
    providers: string[]
    failedLogins: number
    lockedUntil: string | null
  }
  sessions: AdminSession[]
  events: AuditEvent[]
}
export type PersonCredits = {
  account: { balance: number; held: number; pending: number; available: number }
  plan: {
    type: Plan
    source: 'manual' | 'paddle' | 'none'
    paid: Plan
    subscription: { id: string; status: string | null } | null
    comp: { type: Plan; until: string; reason: string; by: string } | null
  }
}
export type AiUsage = {
  days: string[]
  usage: { day: string; operation: string; calls: number; failed: number; cost: number }[]
}
export type PeopleQuery = Partial<
  Record<
    | 'q'
    | 'plan'
    | 'status'
    | 'verified'
    | 'twoFactor'
    | 'createdFrom'
    | 'createdTo'
    | 'activeFrom'
    | 'activeTo'
    | 'sort'
    | 'order'
    | 'cursor',
    string
  >
>
export type AuditQuery = Partial<
  Record<'actor' | 'action' | 'subject' | 'from' | 'to' | 'cursor', string>
>
export type SigningKey = {
  kid: string
  state: 'next' | 'current' | 'retiring' | 'expired'
  published: boolean
  createdAt: string
  activatesAt: string
  retireAt: string | null
  expireAt: string | null
}
export type Provider = {
  id: string
  kind: string
  mode: 'live' | 'demo'
  breaker: string
  queued: number
  lastHour: { calls: number; errors: number; errorRate: number }
}
