import { parsePublicKeys, type ServiceRoleName, serviceKeyVar } from '../lib/service-keys'
import { createServices } from '../lib/services'
import { poolSend } from '../lib/node/upstream'

/** Service calls made as `role` with the keys of an env from serviceKeyEnv(), as that role would make them. */
export function servicesAs(
  role: ServiceRoleName,
  env: Record<string, string>,
  urls: Parameters<typeof createServices>[0]['urls'] = {},
  ttlS = 60,
) {
  const publicKeys = parsePublicKeys(env.SERVICE_PUBLIC_KEYS)
  if (typeof publicKeys === 'string') throw new Error(`SERVICE_PUBLIC_KEYS ${publicKeys}`)
  return createServices({
    role,
    signingKey: env[serviceKeyVar(role)],
    publicKeys,
    ttlS,
    urls,
    send: poolSend(), // as the roles call each other on Node
  })
}
