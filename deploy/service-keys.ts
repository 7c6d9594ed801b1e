// Prints service keys as env lines. `npm run service-keys`: a key pair for every internal role and the public
// list they all share (a new deployment). `npm run service-keys -- <role>`: one new pair for rotating that role.
import {
  generateServiceKey,
  SERVICE_ROLES,
  type ServiceRoleName,
  serviceKeyEnv,
  serviceKeyVar,
} from '../lib/service-keys'

const role = process.argv[2] as ServiceRoleName | undefined
if (role && !SERVICE_ROLES.includes(role))
  throw new Error(`role must be one of ${SERVICE_ROLES.join(', ')}`)
if (role) {
  const { privateKey, publicKey } = await generateServiceKey()
  console.log(`${serviceKeyVar(role)}=${privateKey}`)
  console.log(`# add to SERVICE_PUBLIC_KEYS everywhere first: ${role}:${publicKey}`)
} else for (const [k, v] of Object.entries(await serviceKeyEnv())) console.log(`${k}=${v}`)
