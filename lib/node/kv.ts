import RedisMock from 'ioredis-mock'
import type { Kv } from '../kv'
import type { Logger } from '../log'
import { respClient } from './resp'

const flat = (keys: string[], args: unknown[]) => [...keys, ...args.map(String)]

/**
 * Real Redis when a URL is given (lib/node/resp.ts), else an in-memory store that runs the same Lua scripts.
 * `password`, when set, replaces the URL's (any characters, no encoding).
 */
export function createKv(url?: string, log?: Logger, password?: string): Kv {
  if (!url) {
    const mock = new RedisMock()
    return {
      eval: (script, keys, args) => mock.eval(script, keys.length, ...flat(keys, args)),
      evalsha: (sha, keys, args) => mock.evalsha(sha, keys.length, ...flat(keys, args)),
      ping: async () => void (await mock.ping()),
      close: async () => void mock.disconnect(),
    }
  }
  const redis = respClient(new URL(url), { password, log })
  return {
    eval: (script, keys, args) =>
      redis.command(['EVAL', script, String(keys.length), ...flat(keys, args)]),
    evalsha: (sha, keys, args) =>
      redis.command(['EVALSHA', sha, String(keys.length), ...flat(keys, args)]),
    ping: async () => void (await redis.command(['PING'])),
    close: async () => redis.close(),
  }
}
