import { secureHeaders } from 'hono/secure-headers'

// API responses are never rendered; the SPA loads only its own files (no inline script).
const API_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] }
const SPA_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

export const securityHeaders = (kind: 'api' | 'spa') =>
  secureHeaders({
    contentSecurityPolicy: kind === 'spa' ? SPA_CSP : API_CSP,
    strictTransportSecurity: 'max-age=31536000; includeSubDomains',
    referrerPolicy: 'strict-origin-when-cross-origin',
    crossOriginResourcePolicy: 'same-origin',
    permissionsPolicy: { camera: [], geolocation: [], microphone: [] },
  })
