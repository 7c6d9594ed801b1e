import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { serviceKeyEnv } from '../service-keys'

const GENERATED = ['KEY_ENCRYPTION_KEY'] as const

/**
 * Local mode only: secrets generated on first start into the data folder and reused afterwards: the key
 * encryption key and an Ed25519 service key pair per internal role (with the public list they all share).
 */
export async function localSecrets(dataDir: string): Promise<Record<string, string>> {
  const file = join(dataDir, 'secrets.json')
  const existing: Record<string, string> = await readFile(file, 'utf8').then(JSON.parse, () => ({}))
  const missing = GENERATED.filter((k) => !existing[k])
  if (!missing.length && existing.SERVICE_PUBLIC_KEYS) return existing
  for (const k of missing) existing[k] = randomBytes(32).toString('base64url')
  if (!existing.SERVICE_PUBLIC_KEYS) Object.assign(existing, await serviceKeyEnv())
  delete existing.SERVICE_SECRET // replaced by the key pairs
  await writeFile(file, JSON.stringify(existing, null, 2), { mode: 0o600 })
  return existing
}
