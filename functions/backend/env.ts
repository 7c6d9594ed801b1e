import type { AppEnv, RoleDeps } from '../../lib/app'
import type { WriteSqlite } from '../../lib/anki/apkg'
import type { OpenSqlite } from '../../lib/anki/collection'
import type { Optimiser } from '../../lib/content/fsrs-weights'
import type { Db } from '../../lib/db/db'
import type { Verifier } from '../../lib/jwt'
import type { Kv } from '../../lib/kv'
import type { Services } from '../../lib/services'

export type BackendDeps = RoleDeps<'backend'> & {
  db: Db
  kv: Kv
  services: Services
  verifier: Verifier
  /** FSRS optimisation where the runtime has it (Node: the fsrs-rs binding; not in workerd). */
  optimiser?: Optimiser
  /** SQLite for reading Anki packages (Node: sql.js with its WebAssembly beside the bundle). */
  openSqlite?: OpenSqlite
  /** Writes the SQLite collection of an Anki export (the same sql.js). */
  writeSqlite?: WriteSqlite
}
export type BackendEnv = AppEnv<BackendDeps>
