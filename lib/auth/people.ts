import type { Sql } from '../db/db'
import { ApiError } from '../errors'
import { isPgTimestamp } from '../cursor'
import { UserId } from '../ids'
import { ROLE_SQL } from './users'

// People for the admin console: search, filters, sorts with keyset pages.

export const SORTS = {
  created: { sql: 'u.created_at', type: 'timestamptz' },
  active: { sql: `coalesce(u.last_active_at, '-infinity')`, type: 'timestamptz' },
  email: { sql: 'public.fold(u.email)', type: 'text' },
  name: { sql: 'public.fold(u.name)', type: 'text' },
} as const
export type Sort = keyof typeof SORTS
export const PLAN_ROLES = {
  free: 'user',
  plus: 'plus',
  premium: 'premium',
  admin: 'admin',
} as const

export type PeopleQuery = {
  q?: string
  plan?: keyof typeof PLAN_ROLES
  status?: 'active' | 'locked' | 'disabled' | 'deleted'
  verified?: boolean
  twoFactor?: boolean
  createdFrom?: string
  createdTo?: string
  activeFrom?: string
  activeTo?: string
  sort: Sort
  order: 'asc' | 'desc'
  after: { value: string; id: string } | null
  limit: number
}

export type Person = {
  id: string
  email: string
  name: string
  role: string
  admin: boolean
  status: string
  emailVerified: boolean
  twoFactor: boolean
  createdAt: Date
  lastActiveAt: Date | null
  comp: { role: string; until: Date } | null
}

const likePrefix = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`) + '%'

const COLUMNS = `u.id, u.email, u.name, ${ROLE_SQL} as role, u.admin, u.status, u.email_verified_at, u.created_at, u.last_active_at,
  case when u.comp_until > now() then u.comp_role end as comp_role, case when u.comp_until > now() then u.comp_until end as comp_until,
  (a.two_factor or u.admin) as two_factor`
const FROM = 'from public.users u join auth.accounts a on a.user_id = u.id'

type PersonRow = {
  id: string
  email: string
  name: string
  role: string
  admin: boolean
  status: string
  email_verified_at: Date | null
  two_factor: boolean
  created_at: Date
  last_active_at: Date | null
  comp_role: string | null
  comp_until: Date
}
export const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  admin: r.admin,
  status: r.status,
  emailVerified: r.email_verified_at !== null,
  twoFactor: r.two_factor,
  createdAt: r.created_at,
  lastActiveAt: r.last_active_at,
  comp: r.comp_role ? { role: r.comp_role, until: r.comp_until } : null,
})

// Cursor values are the database's own text of the sort value: timestamps keep their microseconds.
const validAfter = (after: { value: string; id: string }, type: 'timestamptz' | 'text') =>
  UserId.safeParse(after.id).success && (type === 'text' || isPgTimestamp(after.value))

/**
 * A words-and-prefix search: every word of `q` must start a word of the name or the address (accents and
 * case ignored, through the GIN index), or `q` starts the address or the id (btree prefix indexes).
 */
export async function searchPeople(sql: Sql, q: PeopleQuery) {
  const { sql: col, type } = SORTS[q.sort]
  if (q.after && !validAfter(q.after, type)) throw new ApiError('BAD_REQUEST', 'Invalid cursor')
  const dir = q.order === 'asc' ? '>' : '<'
  const rows = await sql<PersonRow & { sort_value: string }>(
    `select ${COLUMNS}, (${col})::text as sort_value ${FROM}
     where ($1::text is null
            or u.search @@ (select to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' & '))
                              from regexp_split_to_table(public.fold($1), '[^[:alnum:]@._+-]+') w where w <> '')
            or public.fold(u.email) like public.fold($2) escape '\\' or u.id like upper($2) escape '\\')
       and ($3::text is null or ${ROLE_SQL} = $3)
       and (case when $4::text is null then u.status <> 'deleted' else u.status = $4 end)
       and ($5::boolean is null or (u.email_verified_at is not null) = $5)
       and ($6::boolean is null or (a.two_factor or u.admin) = $6)
       and ($7::timestamptz is null or u.created_at >= $7) and ($8::timestamptz is null or u.created_at < $8)
       and ($9::timestamptz is null or u.last_active_at >= $9) and ($10::timestamptz is null or u.last_active_at < $10)
       and ($11::text is null or (${col}, u.id) ${dir} ($11::${type}, $12::text))
     order by ${col} ${q.order}, u.id ${q.order} limit $13`,
    [
      q.q ?? null,
      q.q ? likePrefix(q.q) : null,
      q.plan ? PLAN_ROLES[q.plan] : null,
      q.status ?? null,
      q.verified ?? null,
      q.twoFactor ?? null,
      q.createdFrom ?? null,
      q.createdTo ?? null,
      q.activeFrom ?? null,
      q.activeTo ?? null,
      q.after?.value ?? null,
      q.after?.id ?? null,
      q.limit,
    ],
  )
  return rows.map((r) => ({ person: toPerson(r), sortValue: String(r.sort_value) }))
}

export async function findPerson(sql: Sql, id: string) {
  const [row] = await sql<PersonRow>(`select ${COLUMNS} ${FROM} where u.id = $1`, [id])
  return row ? toPerson(row) : null
}

/**
 * Before an admin disables or demotes an account: the actor must still be an active admin, checked with
 * every active admin's row locked until the transaction ends. With no admin acting on themselves, the last
 * active admin always stays, also when two admins demote or disable each other at once.
 */
export async function lockActiveAdmins(sql: Sql, actor: string) {
  const rows = await sql<{ id: string }>(
    `select id from public.users where admin and status = 'active' order by id for update`,
  )
  if (!rows.some((r) => r.id === actor))
    throw new ApiError('FORBIDDEN', 'You are no longer an active admin')
}
