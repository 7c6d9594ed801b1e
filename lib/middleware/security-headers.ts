import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { secureHeaders } from 'hono/secure-headers'
import { answerHeader, onNode } from '../answer-header'

// API responses are never rendered; the SPA loads only its own files (no inline script).
const API_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] }
const SPA_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", 'https://cdn.paddle.com'], // Paddle.js, loaded only when checkout is configured
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  frameSrc: ['https://buy.paddle.com', 'https://sandbox-buy.paddle.com'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

const headers = (kind: 'api' | 'spa') =>
  secureHeaders({
    contentSecurityPolicy: kind === 'spa' ? SPA_CSP : API_CSP,
    strictTransportSecurity: false, // set below, and only over HTTPS: HSTS on plain HTTP is ignored noise
    referrerPolicy: 'strict-origin-when-cross-origin',
    crossOriginResourcePolicy: 'same-origin',
    permissionsPolicy: { camera: [], geolocation: [], microphone: [] },
  })

/** What `kind` sets on every answer, worked out once by Hono's middleware itself. */
const listOf = async (kind: 'api' | 'spa') => {
  const probe = new Hono().use(headers(kind)).get('/', (c) => c.body(null))
  return [...(await probe.request('/')).headers]
}

let names: Promise<Set<string>> | undefined
/** The names of the headers securityHeaders sets (HSTS too): the edge drops the backend's, as it sets its own. */
export const securityHeaderNames = () =>
  (names ??= listOf('api').then(
    (list) => new Set([...list.map(([name]) => name), 'strict-transport-security']),
  ))

/**
 * CSP and friends on every response; HSTS when the request came over HTTPS (directly or via a TLS proxy).
 * On Node they are written onto the Node response once, at the start: set on a Response afterwards, each
 * goes through the Headers class (a dozen validated sets per request, a fifth of a cheap route's work).
 * No route sets any of them itself; the edge drops the backend's from its answers (securityHeaderNames).
 */
export const securityHeaders = (kind: 'api' | 'spa') => {
  const base = headers(kind)
  let known: [string, string][] | undefined // once worked out: no await for it on every request
  const list = listOf(kind).then((l) => (known = l))
  return createMiddleware(async function securityHeaders(c, next) {
    if (onNode(c)) {
      for (const [name, value] of known ?? (await list)) answerHeader(c, name, value)
      await next()
    } else await base(c, next)
    const https = c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto') === 'https'
    if (https) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  })
}
