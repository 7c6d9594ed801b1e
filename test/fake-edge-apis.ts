import { Hono } from 'hono'
import { Redis } from 'ioredis'
import type { Mail } from '../lib/mail'
import { serveOnLoopback } from './loopback'

const encode = (v: unknown): unknown =>
  typeof v === 'string' ? Buffer.from(v).toString('base64') : Array.isArray(v) ? v.map(encode) : v

/**
 * The HTTP APIs the workerd runtime uses instead of TCP clients, on loopback in their real wire formats:
 * Upstash's Redis REST API (each command run on the real Redis at `redisUrl`) and Resend's send-mail API.
 */
export type FakeEdgeApis = Awaited<ReturnType<typeof startFakeEdgeApis>>

export async function startFakeEdgeApis(redisUrl: string) {
  const token = crypto.randomUUID()
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  const mails: Mail[] = []
  const commands: string[] = []
  const app = new Hono()
    // One command, or a pipeline of them (the client batches commands issued in the same tick).
    .post('/redis/:pipeline{pipeline}?', async (c) => {
      if (c.req.header('authorization') !== `Bearer ${token}`)
        return c.json({ error: 'Unauthorized' }, 401)
      const base64 = c.req.header('upstash-encoding') === 'base64'
      const run = async ([command, ...args]: string[]) => {
        commands.push(command.toLowerCase())
        try {
          const result = await redis.call(command, ...args.map(String))
          return { result: base64 ? encode(result) : result }
        } catch (err) {
          return { error: (err as Error).message }
        }
      }
      if (c.req.param('pipeline'))
        return c.json(await Promise.all((await c.req.json<string[][]>()).map(run)))
      const answer = await run(await c.req.json<string[]>())
      return c.json(answer, answer.error ? 400 : 200)
    })
    .post('/emails', async (c) => {
      if (c.req.header('authorization') !== `Bearer ${token}`)
        return c.json({ message: 'Invalid API key' }, 401)
      const m = await c.req.json<{ to: string[]; subject: string; text: string; html: string }>()
      mails.push({ to: m.to[0], subject: m.subject, text: m.text, html: m.html })
      return c.json({ id: crypto.randomUUID() })
    })
  const server = await serveOnLoopback(app.fetch)
  const url = server.url
  return {
    token,
    redisUrl: `${url}/redis`,
    mailUrl: `${url}/emails`,
    mails,
    commands,
    close: async () => {
      redis.disconnect()
      await server.close()
    },
  }
}
