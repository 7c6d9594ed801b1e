import { readFileSync, unwatchFile, watchFile } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Logger } from '../log'

type Files = { cert: string; key: string }

/** HTTPS settings: TLS 1.2 at least, the certificate and key read from their files. */
export const tlsOptions = (f: Files) => ({
  minVersion: 'TLSv1.2' as const,
  cert: readFileSync(f.cert),
  key: readFileSync(f.key),
})

/**
 * Reloads the certificate and key when either file changes (a renewal, a Kubernetes Secret update), without a
 * restart; a pair that does not load (half written) is logged and the current one kept. Polls, since renewals
 * often swap symlinks, which file events miss. Returns the stop function.
 */
export function reloadOnChange(server: HttpsServer, f: Files, log: Logger, intervalMs = 2000) {
  const reload = () => {
    try {
      server.setSecureContext(tlsOptions(f))
      log.info('tls certificate reloaded', { cert: f.cert })
    } catch (err) {
      log.error('tls certificate not reloaded', { cert: f.cert, error: (err as Error).message })
    }
  }
  for (const file of [f.cert, f.key]) watchFile(file, { interval: intervalMs }, reload)
  return () => [f.cert, f.key].forEach((file) => unwatchFile(file, reload))
}

/** Plain HTTP that only sends every request to the same path over HTTPS (308 keeps the method and body). */
export function redirectToHttps(o: { host: string; port: number; httpsPort: number }) {
  const server: Server = createHttpServer((req, res) => {
    const host = (req.headers.host ?? 'localhost').replace(/:\d+$/, '')
    const port = o.httpsPort === 443 ? '' : `:${o.httpsPort}`
    res
      .writeHead(308, {
        location: `https://${host}${port}${req.url ?? '/'}`,
        'content-length': '0',
      })
      .end()
  })
  return new Promise<Server>((ok, fail) => {
    server.once('error', fail)
    server.listen(o.port, o.host, () => ok(server))
  })
}
