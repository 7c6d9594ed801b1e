import type { TestProject } from 'vitest/node'
import { migrateWith } from '../lib/node/migrations'
import { adminQuery } from './testing'

/** With DATABASE_URL: one migrated template per run, so each test's own database is a quick copy. */
export default async function setup(project: TestProject) {
  if (!process.env.DATABASE_URL) return project.provide('dbTemplate', null)
  const name = `lingudesk_tpl_${process.pid}`
  await adminQuery(`drop database if exists ${name} with (force)`)
  await adminQuery(`create database ${name}`)
  const u = new URL(process.env.DATABASE_URL)
  u.pathname = `/${name}`
  await migrateWith(u.href)
  project.provide('dbTemplate', name)
  return async () => void (await adminQuery(`drop database if exists ${name} with (force)`))
}
