import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const GENERATED = ['SERVICE_SECRET', 'KEY_ENCRYPTION_KEY'] as const

/** Local mode only: secrets generated on first start into the data folder and reused afterwards. */
export async function localSecrets(dataDir: string): Promise<Record<string, string>> {
  const file = join(dataDir, 'secrets.json')
  const existing: Record<string, string> = await readFile(file, 'utf8').then(JSON.parse, () => ({}))
  const missing = GENERATED.filter((k) => !existing[k])
  if (!missing.length) return existing
  for (const k of missing) existing[k] = randomBytes(32).toString('base64url')
  await writeFile(file, JSON.stringify(existing, null, 2), { mode: 0o600 })
  return existing
}
