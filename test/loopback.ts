import { type AddressInfo, createServer } from 'node:net'
import { serve } from '@hono/node-server'

/** A TCP port of 127.0.0.1 that is free now (for servers that cannot be told to pick one). */
export const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => ok(port))
    })
  })

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
