import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'

/** Serves `fetch` on a free port of 127.0.0.1 (the fake providers tests talk to). */
export async function serveOnLoopback(fetch: (req: Request) => Response | Promise<Response>) {
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}
