import type { Role } from '../../../lib/config'
import type { OperationName } from '../../../lib/ai/operations'
import type { CostClass } from '../../../lib/credit/paid'
import type { LimitClass } from '../../../lib/middleware/rate-limit'

export type UserType = 'free' | 'plus' | 'premium'
export type ProviderChoice = {
  provider: string
  model: string
  fallback?: { provider: string; model: string }
}

/** An endpoint the backend serves by calling another role: `routed(spec)` in routed.ts builds it. */
export type RouteSpec = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** The virtual endpoint the SPA calls. */
  path: string
  service: Exclude<Role, 'frontend' | 'backend'>
  /** The path on that service. */
  target: string
  limit: LimitClass
  /** What it costs (credit issue), or null when free. */
  cost: CostClass | null
  /** The AI operation a paid route runs: its input sets the most the call can cost, which is held. */
  operation?: OperationName
  timeoutMs: number
  admin?: boolean
  /** Which provider and model each user type gets; change a line here to move premium to another model. */
  providers?: Record<UserType, ProviderChoice>
}

/** An admin endpoint on a core service: the gateway checks the role too, the admin limit, free, 10 s. */
export const adminRoute = (
  method: RouteSpec['method'],
  path: `/api/admin/${string}`,
  service: RouteSpec['service'],
  target: string,
): RouteSpec => ({
  method,
  path,
  service,
  target,
  limit: 'admin',
  cost: null,
  timeoutMs: 10_000,
  admin: true,
})

export const TEXT: Record<UserType, ProviderChoice> = {
  free: { provider: 'deepseek', model: 'deepseek-chat' },
  plus: {
    provider: 'chatgpt',
    model: 'gpt-4o-mini',
    fallback: { provider: 'deepseek', model: 'deepseek-chat' },
  },
  premium: {
    provider: 'claude',
    model: 'claude-sonnet-5-5',
    fallback: { provider: 'chatgpt', model: 'gpt-4o' },
  },
}
export const IMAGE: Record<UserType, ProviderChoice> = {
  free: { provider: 'flux', model: 'flux-schnell' },
  plus: { provider: 'flux', model: 'flux-schnell' },
  premium: { provider: 'flux', model: 'flux-schnell' },
}
export const SPEECH: Record<UserType, ProviderChoice> = {
  free: { provider: 'chatterbox', model: 'chatterbox-tts' },
  plus: { provider: 'chatterbox', model: 'chatterbox-tts' },
  premium: { provider: 'chatterbox', model: 'chatterbox-tts' },
}

export const userTypeOf = (role: string): UserType =>
  role === 'plus' ? 'plus' : role === 'premium' || role === 'admin' ? 'premium' : 'free'
