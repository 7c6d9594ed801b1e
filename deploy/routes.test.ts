import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Role } from '../lib/config'
import { ROLE_APPS } from './roles'
import { endpointFiles, README, routesMarkdown, routeTable, withRouteTable } from './routes'

const rows = await routeTable()

describe('the route table', () => {
  it('in the README is the one the apps serve (npm run routes -- --readme rewrites it)', () => {
    const readme = readFileSync(README, 'utf8')
    expect(withRouteTable(readme, routesMarkdown(rows))).toBe(readme)
  })

  it('has every endpoint file serving at least one route, and no route declared in an index.ts', () => {
    const files = (Object.keys(ROLE_APPS) as Role[]).flatMap(endpointFiles)
    expect(files.filter((f) => !rows.some((r) => r.file === f))).toEqual([])
    expect(rows.filter((r) => r.file.endsWith('/index.ts'))).toEqual([])
  })

  it('has each method and path of a role declared once', () => {
    const keys = rows.map((r) => `${r.role} ${r.method} ${r.path}`)
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([])
  })
})

describe('paid routes', () => {
  it('each run through the money step (paid: hold, then settle), after the user and the AI limit', () => {
    const ai = rows.filter(
      (r) =>
        r.role === 'backend' &&
        /^\/api\/(cards\/:id\/)?ai\/[a-z]+$/.test(r.path) &&
        r.method === 'POST',
    )
    expect(ai.length).toBe(10) // five AI routes and five AI actions on a card
    for (const r of ai) {
      const money = r.chain.filter((m) => /^paid\(ai\.(text|image|speech)\)$/.test(m))
      expect([r.path, money.length]).toEqual([r.path, 1])
      expect(r.chain.indexOf(money[0])).toBeGreaterThan(r.chain.indexOf('rateLimit(ai)'))
    }
    expect(
      rows.filter((r) => r.chain.some((m) => m.startsWith('paid(')) && !ai.includes(r)),
    ).toEqual([])
  })
})

describe('signed-in backend routes', () => {
  it('each run a rate limit after requireUser: its Redis script is what asks whether the session was revoked', () => {
    const signedIn = rows.filter(
      (r) => r.role === 'backend' && r.chain.some((m) => m.includes('requireUser')),
    )
    expect(signedIn.length).toBeGreaterThan(40)
    const unchecked = signedIn.filter((r) => {
      const at = r.chain.findIndex((m) => m.includes('requireUser'))
      return !r.chain.slice(at).some((m) => /rateLimit\((standard|ai|admin)\)/.test(m))
    })
    expect(unchecked.map((r) => `${r.method} ${r.path}`)).toEqual([])
  })
})
