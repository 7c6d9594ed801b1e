// Restores a backup into an empty database: tsx deploy/db/restore.ts --from <file | s3://bucket/key> --into <URL>
import { parseArgs } from 'node:util'
import { restore } from './backup'

const { values } = parseArgs({ options: { from: { type: 'string' }, into: { type: 'string' } } })
if (!values.from || !values.into) {
  console.error('usage: tsx deploy/db/restore.ts --from <file | s3://bucket/key> --into postgres://owner@host/empty_database')
  process.exit(2)
}
await restore({ from: values.from, into: values.into })
console.log(`restored ${values.from} into ${new URL(values.into).pathname.slice(1)}`)
