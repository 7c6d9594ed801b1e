import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import initSqlJs, { type SqlJsStatic } from 'sql.js'
import type { WriteSqlite } from '../anki/apkg'
import type { OpenSqlite } from '../anki/collection'

let engine: Promise<SqlJsStatic> | undefined
// Beside the bundle in an image (deploy/build.ts copies it), else from node_modules.
const wasmFile = (file: string) => {
  const bundled = fileURLToPath(new URL(`./${file}`, import.meta.url))
  return existsSync(bundled)
    ? bundled
    : createRequire(import.meta.url).resolve(`sql.js/dist/${file}`)
}

/** Opens SQLite bytes in memory with sql.js (WebAssembly); the engine loads on the first import. */
export const openSqlite: OpenSqlite = async (bytes) => {
  const db = new (await (engine ??= initSqlJs({ locateFile: wasmFile }))).Database(bytes)
  return {
    // Rows as arrays, one at a time: an object per row (getAsObject) costs time and memory on large tables.
    *rows<T>(sql: string) {
      const stmt = db.prepare(sql)
      try {
        while (stmt.step()) yield stmt.get() as T
      } finally {
        stmt.free()
      }
    },
    close: () => db.close(),
  }
}

/** Writes a new SQLite database in memory (an Anki export's collection): a schema, then the rows. */
export const writeSqlite: WriteSqlite = async (schema, inserts) => {
  const db = new (await (engine ??= initSqlJs({ locateFile: wasmFile }))).Database()
  try {
    db.run('pragma journal_mode = off')
    db.exec(schema)
    db.exec('begin')
    for (const { sql, rows } of inserts) {
      const stmt = db.prepare(sql)
      for (const row of rows) stmt.run(row)
      stmt.free()
    }
    db.exec('commit')
    return db.export()
  } finally {
    db.close()
  }
}
