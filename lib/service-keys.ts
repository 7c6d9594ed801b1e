import { fromBase64Url, toBase64Url } from './crypto'

// Each internal role signs its service tokens with an Ed25519 key of its own; every role holds the public
// keys of all of them. A receiver checks a token only against the keys of the role it names as `iss`, so
// the caller is proven by its key, not claimed, and one role's key cannot speak for another.

export const SERVICE_ROLES = ['backend', 'auth', 'credit', 'ai'] as const
export type ServiceRoleName = (typeof SERVICE_ROLES)[number]

/** The config variable that holds a role's private key: named for the role, so no role can be given another's. */
export const serviceKeyVar = (role: ServiceRoleName) => `SERVICE_KEY_${role.toUpperCase()}` as const

const ED25519 = { name: 'Ed25519' }

/** `role:publicKey,role:publicKey,…` (raw 32-byte keys, base64url); a role may be listed twice while its key rotates. */
export function parsePublicKeys(list: string): Map<ServiceRoleName, string[]> | string {
  const keys = new Map<ServiceRoleName, string[]>()
  for (const entry of list
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [role, key] = entry.split(':')
    if (!SERVICE_ROLES.includes(role as ServiceRoleName)) return `names an unknown role: ${role}`
    if (!/^[A-Za-z0-9_-]{43}$/.test(key ?? ''))
      return `has a key for ${role} that is not 32 bytes of base64url`
    keys.set(role as ServiceRoleName, [...(keys.get(role as ServiceRoleName) ?? []), key])
  }
  return keys
}

export const importSigningKey = (pkcs8: string) =>
  crypto.subtle.importKey('pkcs8', fromBase64Url(pkcs8), ED25519, false, ['sign'])
export const importPublicKey = (raw: string) =>
  crypto.subtle.importKey('raw', fromBase64Url(raw), ED25519, false, ['verify'])

/** A new key pair: the private key as base64url PKCS#8 (for SERVICE_KEY_<ROLE>), the public key as base64url raw. */
export async function generateServiceKey() {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair
  return {
    privateKey: toBase64Url(
      new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
    ),
    publicKey: toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))),
  }
}

/** Keys for every role, as env entries: each role's private key and the one public list they all share. */
export async function serviceKeyEnv(): Promise<Record<string, string>> {
  const pairs = await Promise.all(
    SERVICE_ROLES.map(async (role) => [role, await generateServiceKey()] as const),
  )
  return {
    ...Object.fromEntries(pairs.map(([role, k]) => [serviceKeyVar(role), k.privateKey])),
    SERVICE_PUBLIC_KEYS: pairs.map(([role, k]) => `${role}:${k.publicKey}`).join(','),
  }
}
