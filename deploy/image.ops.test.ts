import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceKeyEnv } from '../lib/service-keys'
import { freePort } from '../test/loopback'
import { type TestDatabase, testDatabase } from '../test/testing'
import { must } from '../test/must'

// The shipped Dockerfile built as CI can: Debian's buildah (vfs storage, chroot isolation, docker format so the
// HEALTHCHECK stays) with the base made from Debian packages (deploy/docker/base.sh: debootstrap, cached by
// its inputs). One role's image, the backend's, is built and run; the others differ only in the bundle copied.
const ROOT = resolve(import.meta.dirname, '..')
const STORAGE = ['--storage-driver', 'vfs']
const IMAGE = 'localhost/lingudesk-backend:ci'
const run = promisify(execFile)
const buildah = (...args: string[]) =>
  run('buildah', [...STORAGE, ...args], { cwd: ROOT, maxBuffer: 100_000_000 })
let db: TestDatabase
let container: ChildProcess | undefined
let rootfs: { dir: string; done: () => Promise<unknown> }
let context: string[]

beforeAll(async () => {
  const { stdout: base } = await run('bash', ['deploy/docker/base.sh', ...STORAGE], {
    cwd: ROOT,
    maxBuffer: 100_000_000,
  })
  // What the build sees of the repository (the build context after .dockerignore), with a local secret planted.
  await mkdir(join(ROOT, '.data'), { recursive: true })
  await writeFile(join(ROOT, '.data', 'image-test-canary.json'), '{"SERVICE_SECRET":"canary"}')
  try {
    await writeFile(join(ROOT, 'dist-context.Dockerfile'), 'FROM scratch\nCOPY . /context\n')
    await buildah(
      'bud',
      '--isolation',
      'chroot',
      '--layers=false',
      '-f',
      'dist-context.Dockerfile',
      '-t',
      'localhost/lingudesk-context:ci',
      '.',
    )
  } finally {
    await rm(join(ROOT, '.data', 'image-test-canary.json'))
    await rm(join(ROOT, 'dist-context.Dockerfile'))
  }
  const { stdout: probe } = await buildah('from', 'localhost/lingudesk-context:ci')
  const { stdout: probeDir } = await buildah('mount', probe.trim())
  context = (await readdir(join(probeDir.trim(), 'context'), { recursive: true })).map(String)
  await buildah('rm', probe.trim())
  await buildah(
    'bud',
    '--isolation',
    'chroot',
    '--format',
    'docker',
    '--layers=false',
    '-f',
    'deploy/docker/Dockerfile',
    '--build-arg',
    `BASE=${base.trim()}`,
    '--build-arg',
    `BUILD_BASE=${base.trim()}`,
    '--build-arg',
    'ROLE=backend',
    '-t',
    IMAGE,
    '.',
  )
  const { stdout: ctr } = await buildah('from', IMAGE)
  const { stdout: dir } = await buildah('mount', ctr.trim())
  rootfs = { dir: dir.trim(), done: () => buildah('rm', ctr.trim()) }
  db = await testDatabase()
}, 1_200_000)

afterAll(async () => {
  // The role first (chroot's change of user clears --kill-child's death signal), then unshare, which ignores
  // SIGTERM while it waits.
  if (container?.pid) await run('pkill', ['-KILL', '-P', String(container.pid)]).catch(() => {})
  container?.kill('SIGKILL')
  await rootfs?.done()
  await db?.close()
  // vfs keeps whole copies: drop what this run built (the base stays, cached by its inputs).
  for (const image of [IMAGE, 'localhost/lingudesk-context:ci'])
    await buildah('rmi', '-f', image).catch(() => {})
})

describe('the role image', () => {
  it('builds from a context without local data, secrets, .git or node_modules (.dockerignore)', () => {
    expect(context).toContain('package.json')
    expect(
      context.filter((p) =>
        /^(\.data|\.git|node_modules|dist)(\/|$)|(^|\/)(node_modules|\.env|secrets\.json)(\/|$)/.test(
          p,
        ),
      ),
    ).toEqual([])
  })

  it('holds the bundle and migrations, and no secrets, .data, .git, node_modules or sources', async () => {
    const entries = await readdir(rootfs.dir, { recursive: true })
    const found = entries.filter(
      (p) =>
        /(^|\/)(\.git|\.data|node_modules|secrets\.json|\.env|userlist\.txt)(\/|$)/.test(p) &&
        !p.startsWith('nodejs/lib/node_modules'),
    ) // the CI base's own npm
    expect(found).toEqual([])
    expect((await readdir(join(rootfs.dir, 'app'))).sort()).toEqual([
      'fsrs-binding.linux-x64-gnu.node', // the backend's FSRS optimiser
      'migrations',
      'role.mjs',
      'web',
    ])
    expect(entries.some((p) => p.startsWith('src/') || p.endsWith('.ts'))).toBe(false)
    const { stdout } = await buildah('inspect', '--type', 'image', IMAGE)
    const config = JSON.parse(stdout).Docker.config
    expect(config.User).toBe('65532:65532')
    expect(config.Healthcheck.Test.join(' ')).toContain('/healthz')
  })

  // No OCI runtime works in this sandbox (crun may not set rlimits), so the image runs the way a runtime would
  // run it: its root filesystem mounted read-only in a mount namespace of its own, its user, working directory,
  // environment and command from the image's config, this machine's network.
  it('runs as uid 65532 on a read-only root and answers /readyz against this machine’s PostgreSQL', async () => {
    const { stdout } = await buildah('inspect', '--type', 'image', IMAGE)
    const config = JSON.parse(stdout).Docker.config as {
      User: string
      WorkingDir: string
      Env: string[]
      Entrypoint: string[]
      Cmd: string[]
    }
    const port = await freePort()
    const env = [
      ...config.Env,
      `PORT=${port}`,
      `DATABASE_URL=${db.url}`,
      ...Object.entries(await serviceKeyEnv()).map(([k, v]) => `${k}=${v}`),
      `REDIS_URL=${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'}`,
      'LOG_LEVEL=info',
    ]
    const root = rootfs.dir
    const mounts = `mount --bind ${root} ${root} && mount -o remount,bind,ro ${root} && mount -t proc proc ${root}/proc && mount --rbind /dev ${root}/dev`
    const inside = [
      '/usr/bin/env',
      '-i',
      '-C',
      config.WorkingDir,
      ...env,
      ...config.Entrypoint,
      ...config.Cmd,
    ]
    container = spawn(
      'unshare',
      [
        '--mount',
        '--fork',
        '--kill-child',
        'sh',
        '-c',
        `${mounts} && exec chroot --userspec=${config.User} ${root} "$@"`,
        'sh',
        ...inside,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let log = ''
    must(container.stdout).on('data', (d) => (log += d))
    must(container.stderr).on('data', (d) => (log += d))
    let ready: Response | undefined
    for (let i = 0; i < 120 && !ready?.ok; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined)
      if (!ready?.ok) await new Promise((r) => setTimeout(r, 500))
    }
    expect([ready?.status, log.includes('"listening"')]).toEqual([200, true])
    expect(await must(ready).json()).toEqual({
      status: 'ready',
      role: 'backend',
      checks: { db: 'up', migrations: 'up', kv: 'up' },
    })
    const pid = (await run('pgrep', ['-P', String(container.pid)])).stdout.trim()
    const uid = (await run('cat', [`/proc/${pid}/status`])).stdout.match(/^Uid:\s+(\d+)/m)?.[1]
    expect(uid).toBe('65532')
    // The same root, read-only: nothing can be written there.
    const write = await run('unshare', [
      '--mount',
      'sh',
      '-c',
      `${mounts} && chroot --userspec=${config.User} ${root} /nodejs/bin/node -e "require('fs').writeFileSync('/app/x', 'x')"`,
    ]).catch((e: Error) => e.message)
    expect(write).toMatch(/EROFS/)
  })
})
