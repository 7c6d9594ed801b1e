import { Redis } from '@upstash/redis/cloudflare'

/** The Redis-like store roles share (real Redis in production, an in-memory one locally). */
export interface Kv {
  eval(script: string, keys: string[], args: unknown[]): Promise<unknown>
  evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown>
  ping(): Promise<void>
  close(): Promise<void>
}

/** Redis over Upstash's REST API (fetch only): the store where no TCP client runs, as in workerd. */
export function upstashKv(url: string, token: string): Kv {
  // No retries: a rate-limit check must fail fast and let its route decide (open or closed).
  const redis = new Redis({
    url,
    token,
    retry: false,
    enableTelemetry: false,
    automaticDeserialization: false,
  })
  return {
    eval: (script, keys, args) => redis.eval(script, keys, args),
    evalsha: (sha, keys, args) => redis.evalsha(sha, keys, args),
    ping: async () => void (await redis.ping()),
    close: async () => {},
  }
}
