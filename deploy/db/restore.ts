// Restores a backup into an empty database, creating the lingudesk_* roles it needs first (dist/restore.mjs):
//   node restore.mjs --from <file | s3://bucket/key.dump> --into postgres://postgres@host/empty_database
// The password, if any, in DATABASE_PASSWORD.
import { parseArgs } from 'node:util'
import { restore } from './dumps'

const { values } = parseArgs({ options: { from: { type: 'string' }, into: { type: 'string' } } })
if (!values.from || !values.into) {
  console.error(
    'usage: node restore.mjs --from <file | s3://bucket/key.dump> --into postgres://owner@host/empty_database',
  )
  process.exit(2)
}
await restore({ from: values.from, into: values.into, password: process.env.DATABASE_PASSWORD })
console.log(`restored ${values.from} into ${new URL(values.into).pathname.slice(1)}`)
