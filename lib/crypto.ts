// Small Web Crypto helpers shared by roles (portable: Node and workerd).

const enc = new TextEncoder()

export const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

export const fromBase64Url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0))

/** A secret for tokens and links: `bytes` of CSPRNG output, base64url (32 bytes = 256 bits). */
export const randomToken = (bytes = 32) =>
  toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)))

export const randomHex = (bytes = 32) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('')

/** A uniformly random decimal code (rejection sampling: no modulo bias). */
export function randomDigits(length: number): string {
  let out = ''
  while (out.length < length) {
    const [n] = crypto.getRandomValues(new Uint32Array(1))
    if (n < 4_294_967_000) out += String(n % 10) // 4294967000 is a multiple of 10
  }
  return out
}

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(text)))
}

// Node hashes in the calling thread (about 1 µs); a WebCrypto digest is a job with a promise and a
// transfer, about 50 µs here. Reached through process, so nothing imports node:crypto where it is absent.
type NodeProcess = { getBuiltinModule?(id: 'node:crypto'): typeof import('node:crypto') }
const nodeCrypto = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.(
  'node:crypto',
)

export const sha256Hex = async (text: string) =>
  nodeCrypto
    ? nodeCrypto.createHash('sha256').update(text).digest('hex')
    : Array.from(await sha256(text), (b) => b.toString(16).padStart(2, '0')).join('')

/** AES-256-GCM with a key given as base64url; output is `iv.ciphertext`, both base64url. */
export function createCipher(keyB64: string) {
  const raw = fromBase64Url(keyB64)
  if (raw.length !== 32) throw new Error('encryption key must be 32 bytes, base64url')
  const key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
  return {
    async encrypt(plain: string) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv },
        await key,
        enc.encode(plain),
      )
      return `${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`
    },
    async decrypt(text: string) {
      const [iv, sealed] = text.split('.').map(fromBase64Url)
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, await key, sealed)
      return new TextDecoder().decode(plain)
    },
  }
}
export type Cipher = ReturnType<typeof createCipher>
