import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../test/loopback'
import { type TestDatabase, testDatabase } from '../test/testing'

// The shipped Dockerfile built as CI can: Debian's buildah (vfs storage, chroot isolation, docker format so the
// HEALTHCHECK stays) with the base made from Debian packages (deploy/docker/base.sh: debootstrap, cached by
// its inputs). One role's image, the backend's, is built and run; the others differ only in the bundle copied.
const ROOT = resolve(import.meta.dirname, '..')
const STORAGE = ['--storage-driver', 'vfs']
const IMAGE = 'localhost/lingudesk-backend:ci'
const run = promisify(execFile)
const buildah = (...args: string[]) => run('buildah', [...STORAGE, ...args], { cwd: ROOT, maxBuffer: 100_000_000 })
let db: TestDatabase
let container: ChildProcess | undefined
let rootfs: { dir: string; done: () => Promise<unknown> }

beforeAll(async () => {
  const { stdout: base } = await run('bash', ['deploy/docker/base.sh', ...STORAGE], { cwd: ROOT, maxBuffer: 100_000_000 })
  await buildah('bud', '--isolation', 'chroot', '--format', 'docker', '--layers=false', '-f', 'deploy/docker/Dockerfile',
    '--build-arg', `BASE=${base.trim()}`, '--build-arg', `BUILD_BASE=${base.trim()}`, '--build-arg', 'ROLE=backend', '-t', IMAGE, '.')
  const { stdout: ctr } = await buildah('from', IMAGE)
  const { stdout: dir } = await buildah('mount', ctr.trim())
  rootfs = { dir: dir.trim(), done: () => buildah('rm', ctr.trim()) }
  db = await testDatabase()
}, 1_200_000)

afterAll(async () => {
  container?.kill('SIGTERM')
  await rootfs?.done()
  await db?.close()
})

describe('the role image', () => {
  it('holds the bundle and migrations, and no secrets, .data, .git, node_modules or sources', async () => {
    const entries = await readdir(rootfs.dir, { recursive: true })
    const found = entries.filter((p) => /(^|\/)(\.git|\.data|node_modules|secrets\.json|\.env|userlist\.txt)(\/|$)/.test(p) && !p.startsWith('nodejs/lib/node_modules/npm'))
    expect(found).toEqual([])
    expect((await readdir(join(rootfs.dir, 'app'))).sort()).toEqual(['migrations', 'role.mjs', 'web'])
    expect(entries.some((p) => p.startsWith('src/') || p.endsWith('.ts'))).toBe(false)
    const { stdout } = await buildah('inspect', '--type', 'image', IMAGE)
    const config = JSON.parse(stdout).Docker.config
    expect(config.User).toBe('65532:65532')
    expect(config.Healthcheck.Test.join(' ')).toContain('/healthz')
  })

  it('runs as uid 65532 on a read-only root and answers /readyz against this machine’s PostgreSQL', async () => {
    const port = await freePort()
    const env = {
      PORT: String(port), DATABASE_URL: db.url, SERVICE_SECRET: randomBytes(32).toString('base64url'),
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', LOG_LEVEL: 'info',
    }
    container = spawn('podman', [...STORAGE, 'run', '--rm', '--read-only', '--network', 'host', '--cgroup-manager', 'cgroupfs',
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), IMAGE], { stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    container.stdout!.on('data', (d) => (log += d))
    container.stderr!.on('data', (d) => (log += d))
    let ready: Response | undefined
    for (let i = 0; i < 120 && !ready?.ok; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined)
      if (!ready?.ok) await new Promise((r) => setTimeout(r, 500))
    }
    expect([ready?.status, log.includes('"listening"')]).toEqual([200, true])
    expect(await ready!.json()).toEqual({ status: 'ready', role: 'backend', checks: { db: 'up', migrations: 'up', kv: 'up' } })
    const { stdout: who } = await run('podman', [...STORAGE, 'ps', '--format', '{{.ID}}', '--filter', `ancestor=${IMAGE}`])
    const id = who.trim().split('\n')[0]
    const { stdout: uid } = await run('podman', [...STORAGE, 'exec', id, '/nodejs/bin/node', '-e', 'process.stdout.write(String(process.getuid()))'])
    expect(uid).toBe('65532')
    const write = await run('podman', [...STORAGE, 'exec', id, '/nodejs/bin/node', '-e', "require('fs').writeFileSync('/app/x', 'x')"]).catch((e: Error) => e.message)
    expect(write).toMatch(/EROFS|read-only/)
  })
})
