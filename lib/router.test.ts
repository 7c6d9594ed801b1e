import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { CachedRouter } from './router'

// Routes the regular-expression router refuses (a parameter beside static names), as the backend has.
const build = (app: Hono) =>
  app
    .use('/api/*', async (c, next) => {
      await next()
      c.header('x-through', 'api')
    })
    .get('/api/cards/actions', (c) => c.text('actions'))
    .get('/api/cards/:id', (c) => c.text(`card ${c.req.param('id')}`))
    .post('/api/cards/:id/media', (c) => c.text(`media ${c.req.param('id')}`))
    .get('/api/cards/:id/history/:entryId', (c) => c.json(c.req.param()))

const requests = [
  ['GET', '/api/cards/actions'],
  ['GET', '/api/cards/c1'],
  ['GET', '/api/cards/c2'],
  ['POST', '/api/cards/c1/media'],
  ['GET', '/api/cards/c1/media'],
  ['GET', '/api/cards/c%201/history/e9'],
  ['GET', `/api/cards/${'x'.repeat(300)}`],
  ['GET', '/elsewhere'],
]

async function answers(app: Hono) {
  const out: string[] = []
  for (const [method, path] of requests) {
    const res = await app.request(path, { method })
    out.push(`${res.status} ${res.headers.get('x-through')} ${await res.text()}`)
  }
  return out
}

describe('CachedRouter', () => {
  it('answers as Hono’s default router, also when asked again and past the paths it keeps', async () => {
    const expected = await answers(build(new Hono()))
    expect(expected[1]).toBe('200 api card c1')
    const app = build(new Hono({ router: new CachedRouter() }))
    expect(await answers(app)).toEqual(expected)
    expect(await answers(app)).toEqual(expected) // now from the kept answers
    for (let i = 0; i < 1100; i++) await app.request(`/api/cards/n${i}`)
    expect(await answers(app)).toEqual(expected)
  })
})
