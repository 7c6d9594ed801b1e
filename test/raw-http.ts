import { type IncomingHttpHeaders, request } from 'node:http'
import { must } from './must'

/**
 * One HTTP request with the body as sent on the wire: fetch would add its own Accept-Encoding and
 * decompress, hiding what the server chose.
 */
export const rawRequest = (
  url: string,
  o: { method?: string; headers?: Record<string, string> } = {},
) =>
  new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((ok, fail) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d))
      res.on('end', () =>
        ok({ status: must(res.statusCode), headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', fail)
    })
    req.on('error', fail)
    req.end()
  })
