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
