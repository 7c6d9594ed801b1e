import { createMiddleware } from 'hono/factory'
import { secureHeaders } from 'hono/secure-headers'

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

/** CSP and friends on every response; HSTS when the request came over HTTPS (directly or via a TLS proxy). */
export const securityHeaders = (kind: 'api' | 'spa') => {
  const base = headers(kind)
  return createMiddleware(async function securityHeaders(c, next) {
    await base(c, next)
    const https = c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto') === 'https'
    if (https) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  })
}
