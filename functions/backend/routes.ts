import type { Role } from '../../lib/config'
import type { CostClass } from '../../lib/middleware/credits'
import type { LimitClass } from '../../lib/middleware/rate-limit'

export type UserType = 'free' | 'plus' | 'premium'
export type ProviderChoice = { provider: string; model: string; fallback?: { provider: string; model: string } }

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
  timeoutMs: number
  admin?: boolean
  /** Which provider and model each user type gets; change a line here to move premium to another model. */
  providers?: Record<UserType, ProviderChoice>
}

const TEXT: Record<UserType, ProviderChoice> = {
  free: { provider: 'deepseek', model: 'deepseek-chat' },
  plus: { provider: 'chatgpt', model: 'gpt-4o-mini', fallback: { provider: 'deepseek', model: 'deepseek-chat' } },
  premium: { provider: 'claude', model: 'claude-sonnet-5-5', fallback: { provider: 'chatgpt', model: 'gpt-4o' } },
}
const IMAGE: Record<UserType, ProviderChoice> = {
  free: { provider: 'flux', model: 'flux-schnell' },
  plus: { provider: 'flux', model: 'flux-schnell' },
  premium: { provider: 'flux', model: 'flux-schnell' },
}
const SPEECH: Record<UserType, ProviderChoice> = {
  free: { provider: 'chatterbox', model: 'chatterbox-tts' },
  plus: { provider: 'chatterbox', model: 'chatterbox-tts' },
  premium: { provider: 'chatterbox', model: 'chatterbox-tts' },
}

const ai = (op: string, cost: CostClass, providers: Record<UserType, ProviderChoice>, timeoutMs: number): RouteSpec => ({
  method: 'POST', path: `/api/ai/${op}`, service: 'ai', target: `/ai/${op}`, limit: 'ai', cost, timeoutMs, providers,
})

/** The one routing table: virtual endpoint → service, path, limit class, cost class, providers per user type. */
export const ROUTES: RouteSpec[] = [
  ai('translate', 'ai.text', TEXT, 30_000),
  ai('examples', 'ai.text', TEXT, 30_000),
  ai('explain', 'ai.text', TEXT, 30_000),
  ai('image', 'ai.image', IMAGE, 60_000),
  ai('speech', 'ai.speech', SPEECH, 60_000),
  { method: 'GET', path: '/api/ai/media/:key', service: 'ai', target: '/ai/media/:key', limit: 'standard', cost: null, timeoutMs: 15_000 },
  { method: 'GET', path: '/api/credits/balance', service: 'credit', target: '/credits/balance', limit: 'standard', cost: null, timeoutMs: 5000 },
  { method: 'GET', path: '/api/credits/checkout', service: 'credit', target: '/credits/checkout', limit: 'standard', cost: null, timeoutMs: 5000 },
  { method: 'GET', path: '/api/credits/history', service: 'credit', target: '/credits/history', limit: 'standard', cost: null, timeoutMs: 5000 },
  { method: 'GET', path: '/api/admin/stats', service: 'credit', target: '/admin/stats', limit: 'standard', cost: null, timeoutMs: 10_000, admin: true },
  { method: 'GET', path: '/api/admin/transactions', service: 'credit', target: '/admin/transactions', limit: 'standard', cost: null, timeoutMs: 10_000, admin: true },
  { method: 'POST', path: '/api/admin/refunds', service: 'credit', target: '/admin/refunds', limit: 'standard', cost: null, timeoutMs: 10_000, admin: true },
  { method: 'POST', path: '/api/admin/adjustments', service: 'credit', target: '/admin/adjustments', limit: 'standard', cost: null, timeoutMs: 10_000, admin: true },
]

export const userTypeOf = (role: string): UserType => (role === 'plus' ? 'plus' : role === 'premium' || role === 'admin' ? 'premium' : 'free')
