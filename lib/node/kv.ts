import { Redis } from 'ioredis'
import RedisMock from 'ioredis-mock'
import type { Kv } from '../kv'
import type { Logger } from '../log'

/** Real Redis when a URL is given, else an in-memory store that runs the same Lua scripts. */
export function createKv(url?: string, log?: Logger): Kv {
  const client: Redis = url
    ? new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, enableAutoPipelining: true }) // one write for the commands of a tick
    : (new RedisMock() as unknown as Redis)
  client.on('error', (err: Error) => log?.warn('redis error', { error: err.message }))
  const flat = (keys: string[], args: unknown[]) => [...keys, ...args.map(String)]
  return {
    eval: (script, keys, args) => client.eval(script, keys.length, ...flat(keys, args)),
    evalsha: (sha, keys, args) => client.evalsha(sha, keys.length, ...flat(keys, args)),
    ping: async () => void (await client.ping()),
    close: async () => void client.disconnect(),
  }
}
