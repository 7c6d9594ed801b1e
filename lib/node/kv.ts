import { Redis } from 'ioredis'
import RedisMock from 'ioredis-mock'
import type { Kv } from '../kv'
import type { Logger } from '../log'

/**
 * Real Redis when a URL is given, else an in-memory store that runs the same Lua scripts. `password`, when
 * set, replaces the URL's (any characters, no encoding).
 */
export function createKv(url?: string, log?: Logger, password?: string): Kv {
  const options = {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    enableAutoPipelining: true,
    ...(password && { password }),
  } // auto-pipelining: one write for the commands of a tick
  const client: Redis = url ? new Redis(url, options) : new RedisMock()
  client.on('error', (err: Error) => log?.warn('redis error', { error: err.message }))
  const flat = (keys: string[], args: unknown[]) => [...keys, ...args.map(String)]
  return {
    eval: (script, keys, args) => client.eval(script, keys.length, ...flat(keys, args)),
    evalsha: (sha, keys, args) => client.evalsha(sha, keys.length, ...flat(keys, args)),
    ping: async () => void (await client.ping()),
    close: async () => void client.disconnect(),
  }
}
