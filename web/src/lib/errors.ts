import { ApiError, euros } from './api'

// The one place an error becomes words: a headline saying what happened, help saying what to do, and where
// to go for it (links from the root: the reset page lives at /reset-password). Pages switch on nothing; they pass the error and, where it matters, who is reading it.

export type Field = { path: string; message: string }
export type Presented = {
  headline: string
  help: string | null
  link: { href: string; label: string } | null
  fields: Field[]
}
/**
 * Who reads the message and about what: an admin acting on a learner's account, or a learner on a page where
 * a used-up code or link has a way forward, or who typed their password to confirm a change.
 */
export type Context = {
  audience?: 'learner' | 'admin'
  about?: 'reset-link' | 'email-code' | 'sign-in-code' | 'password'
}

const LABELS: Record<string, string> = {
  sourceLang: 'From',
  targetLang: 'To',
  newPerDay: 'New cards per day',
  reviewsPerDay: 'Reviews per day',
  desiredRetention: 'Desired retention',
  maximumInterval: 'Maximum interval',
  leechThreshold: 'Leech threshold',
  leechAction: 'Leech action',
  newCards: 'New cards',
  timezone: 'Time zone',
  currentPassword: 'Current password',
  newPassword: 'New password',
  userId: 'User id',
  transactionId: 'Transaction',
}
/** 'sourceLang' → 'From', 'cards.0.front' → 'Card 1 front', 'password' → 'Password'. */
export function fieldLabel(path: string) {
  const parts = path
    .split('.')
    .map((p) =>
      /^\d+$/.test(p)
        ? String(Number(p) + 1)
        : (LABELS[p] ?? p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()),
    )
  const text = parts.join(' ').replace(/^cards (\d+)/, 'card $1')
  return text ? text[0].toUpperCase() + text.slice(1) : 'This request'
}

/** A wait as people say it: "45 seconds", "4 minutes", "about an hour", "about 3 hours", "about 2 days". */
export function duration(s: number) {
  if (s < 90) return `${s} seconds`
  if (s < 50 * 60) return `${Math.ceil(s / 60)} minutes`
  if (s < 90 * 60) return 'about an hour'
  if (s < 36 * 3600) return `about ${Math.round(s / 3600)} hours`
  return `about ${Math.round(s / 86_400)} days`
}
const fieldsOf = (e: ApiError): Field[] =>
  Array.isArray(e.details)
    ? (e.details as Field[]).filter((f) => f && typeof f.message === 'string')
    : []

export function present(e: unknown, ctx: Context = {}): Presented {
  const out = (
    headline: string,
    help: string | null = null,
    link: Presented['link'] = null,
    fields: Field[] = [],
  ): Presented => ({ headline, help, link, fields })
  if (!(e instanceof ApiError)) return out(e instanceof Error ? e.message : String(e))
  const admin = ctx.audience === 'admin'
  const wait = e.retryAfter ?? 0
  switch (e.code) {
    case 'BAD_REQUEST': {
      const fields = fieldsOf(e)
      if (!fields.length) return out(e.message)
      if (fields.length === 1) return out(`${fieldLabel(fields[0].path)}: ${fields[0].message}`)
      return out('Some fields need a change', null, null, fields)
    }
    case 'WEAK_PASSWORD':
      return out(
        'Choose a stronger password',
        'A phrase of a few words is easy to remember and hard to guess.',
      )
    case 'INVALID_CREDENTIALS':
      return out(
        'Wrong email or password',
        'Check both and try again. Five wrong tries in a row lock the account for a while.',
        { href: '/#/forgot', label: 'Forgot your password?' },
      )
    case 'ACCOUNT_LOCKED':
      return out(
        `This account is locked for ${duration(wait || 60)}`,
        'Too many wrong passwords were tried. Wait, or set a new password now: a reset lifts the lock at once.',
        { href: '/#/forgot', label: 'Reset your password' },
      )
    case 'INVALID_CODE':
      if (ctx.about === 'reset-link')
        return out(
          'This reset link has expired or was already used',
          'Each link works once, for 30 minutes.',
          { href: '/#/forgot', label: 'Ask for a new link' },
        )
      if (ctx.about === 'sign-in-code')
        return out(
          e.message,
          (e.details as { retry?: boolean })?.retry === false
            ? 'Sign in again to get a new code.'
            : 'Check the latest mail from us: only the newest code works.',
        )
      return out(
        e.message,
        (e.details as { retry?: boolean })?.retry === false
          ? 'Ask for a new code below.'
          : 'Check the latest mail from us: only the newest code works.',
      )
    case 'UNAUTHORIZED':
    case 'SESSION_EXPIRED':
      return out('Your session has ended', 'Sign in again to continue.', {
        href: '/#/signin',
        label: 'Sign in',
      })
    case 'PAYMENT_REQUIRED': {
      const needed = (e.details as { needed?: number })?.needed
      if (admin)
        return out(
          'The learner’s balance is too small for this',
          `An adjustment never takes a balance below zero${needed ? `; this one needs ${euros(needed)}` : ''}. Take at most what they have.`,
        )
      return out(
        'Not enough credits for this',
        `It holds up to ${needed ? euros(needed) : 'a few cents'} until it is done; you pay only what it costs.`,
        { href: '/#/credits', label: 'Buy credits' },
      )
    }
    case 'FORBIDDEN':
      if (ctx.about === 'password')
        return out(
          e.message,
          'Check it and try again: five wrong passwords in a row lock the account for a while.',
          { href: '/#/forgot', label: 'Forgot your password?' },
        )
      return out(
        e.message,
        admin ? null : 'If you think you should be allowed, sign out and in again.',
      )
    case 'NOT_FOUND':
      return out(e.message, 'It may have been deleted, perhaps in another tab.')
    case 'PAYLOAD_TOO_LARGE':
      if ((e.details as { max?: number })?.max)
        return out(e.message, 'Choose a smaller file, or make this one smaller first.')
      return out(
        'That is too large to send',
        'Files and texts up to 1 MB are accepted; split it into smaller parts.',
      )
    case 'PACKAGE_TOO_LARGE': {
      const max = (e.details as { maxBytes?: number })?.maxBytes
      return out(
        e.message,
        `Packages up to ${max ? `${+(max / 1e6).toFixed(1)} MB` : 'the size limit'} are accepted. In Anki, export without media, or a few decks at a time.`,
      )
    }
    case 'BAD_PACKAGE':
      return out(
        e.message,
        'Choose a file Anki exported (File → Export): an .apkg deck package or a .colpkg collection package. Nothing was imported.',
      )
    case 'RATE_LIMITED':
      return out(e.message, `Wait ${duration(wait || 60)}, then try again.`)
    case 'UNAVAILABLE':
      return out(
        'This is briefly unavailable',
        `Try again in ${duration(wait || 10)}; nothing was charged or changed.`,
      )
    case 'UPSTREAM_FAILED':
      return out(e.message, 'Nothing was charged for the failed attempt.')
    case 'NETWORK':
      return out('No answer from the server', 'Check your connection, then try again.')
    case 'CONFLICT':
      return out(e.message)
    default:
      return e.status >= 500 || e.status === 0
        ? out(
            'Something went wrong on our side',
            `Try again in a moment.${e.requestId ? ` If it keeps happening, tell us this reference: ${e.requestId}.` : ''}`,
          )
        : out(e.message)
  }
}
