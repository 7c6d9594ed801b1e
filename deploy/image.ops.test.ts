import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES } from '../lib/config'
import { serviceKeyEnv } from '../lib/service-keys'
import { freePort } from '../test/loopback'
import { must } from '../test/must'
import { startS3 } from '../test/s3-server'
import { type TestDatabase, testDatabase } from '../test/testing'

// The shipped Dockerfile built as CI can: Debian's buildah (vfs storage, chroot isolation, docker format so the
// HEALTHCHECK stays) with the base made from Debian packages (deploy/docker/base.sh: debootstrap, cached by
// its inputs). Every image is built, one per role and the ops image: `--layers` builds the shared build stage
// once, and each image adds one layer to the base. The ops image migrates an empty database; every role's image
// then runs on it and answers /readyz.
const ROOT = resolve(import.meta.dirname, '..')
const STORAGE = ['--storage-driver', 'vfs']
const IMAGES = [...ROLES, 'ops'] as const
type Image = (typeof IMAGES)[number]
const tag = (image: Image) => `localhost/lingudesk-${image}:ci`
const run = promisify(execFile)
const tool =
  (cmd: string) =>
  (...args: string[]) =>
    run(cmd, [...STORAGE, ...args], { cwd: ROOT, maxBuffer: 100_000_000 })
const buildah = tool('buildah')
const podman = tool('podman')
type Config = {
  User: string
  WorkingDir: string
  Env: string[]
  Entrypoint: string[]
  Cmd: string[]
}
const built = new Map<
  Image,
  { root: string; config: Config & { Healthcheck: { Test: string[] } } }
>()
const running: ChildProcess[] = []
let before: Set<string>
let db: TestDatabase
let s3: Awaited<ReturnType<typeof startS3>>
let context: string[]

const imageIds = async () =>
  new Set(
    (await buildah('images', '--all', '--quiet', '--no-trunc')).stdout.split('\n').filter(Boolean),
  )

beforeAll(async () => {
  const { stdout: base } = await run('bash', ['deploy/docker/base.sh', ...STORAGE], {
    cwd: ROOT,
    maxBuffer: 100_000_000,
  })
  before = await imageIds()
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
  // The build's `npm ci` uses this machine's npm cache (filled by CI's own npm ci), as a cache mount would.
  const npmCache = process.env.npm_config_cache ?? join(homedir(), '.npm')
  for (const image of IMAGES) {
    await buildah(
      'bud',
      '--isolation',
      'chroot',
      '--format',
      'docker',
      '--layers',
      '--volume',
      `${npmCache}:/root/.npm`,
      '-f',
      'deploy/docker/Dockerfile',
      '--build-arg',
      `BASE=${base.trim()}`,
      '--build-arg',
      `BUILD_BASE=${base.trim()}`,
      '--build-arg',
      `ROLE=${image}`,
      '-t',
      tag(image),
      '.',
    )
    // An image's files without a container (which vfs would copy whole): podman mounts the image itself.
    const { stdout: root } = await podman('image', 'mount', tag(image))
    const { stdout: inspect } = await buildah('inspect', '--type', 'image', tag(image))
    built.set(image, { root: root.trim(), config: JSON.parse(inspect).Docker.config })
  }
  ;[db, s3] = await Promise.all([testDatabase({ empty: true }), startS3()])
}, 3_000_000)

afterAll(async () => {
  // The role first (chroot's change of user clears --kill-child's death signal), then unshare, which ignores
  // SIGTERM while it waits.
  for (const proc of running) {
    if (proc.pid) await run('pkill', ['-KILL', '-P', String(proc.pid)]).catch(() => {})
    proc.kill('SIGKILL')
  }
  for (const image of built.keys()) await podman('image', 'unmount', tag(image)).catch(() => {})
  await Promise.all([db?.close(), s3?.stop()])
  // vfs keeps whole copies: drop every image this run made, its cached build steps included (the base stays,
  // cached by its inputs).
  const made = [...(await imageIds())].filter((id) => !before?.has(id))
  if (made.length) await buildah('rmi', '-f', ...made).catch(() => {})
}, 600_000)

// No OCI runtime works in this sandbox (crun may not set rlimits), so an image runs the way a runtime would run
// it: its root filesystem bind-mounted read-only in a mount namespace of its own, its user, working directory,
// environment and command from the image's config, this machine's network.
const mounts = (root: string) =>
  `mount --bind ${root} ${root} && mount -o remount,bind,ro ${root} && mount -t proc proc ${root}/proc && mount --rbind /dev ${root}/dev`

function start(image: Image, env: Record<string, string>, cmd?: string[]) {
  const { root, config } = must(built.get(image))
  const inside = [
    '/usr/bin/env',
    '-i',
    '-C',
    config.WorkingDir,
    ...config.Env,
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ...config.Entrypoint,
    ...(cmd ?? config.Cmd),
  ]
  const proc = spawn(
    'unshare',
    [
      '--mount',
      '--fork',
      '--kill-child',
      'sh',
      '-c',
      `${mounts(root)} && exec chroot --userspec=${config.User} ${root} "$@"`,
      'sh',
      ...inside,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  running.push(proc)
  let log = ''
  must(proc.stdout).on('data', (d) => (log += d))
  must(proc.stderr).on('data', (d) => (log += d))
  const exited = new Promise<number | null>((r) => proc.on('exit', r))
  return { proc, log: () => log, exited }
}

async function readyz(port: number) {
  let ready: Response | undefined
  for (let i = 0; i < 240 && !ready?.ok; i++) {
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined)
    if (!ready?.ok) await new Promise((r) => setTimeout(r, 500))
  }
  return { status: ready?.status, body: ready?.ok ? await ready.json() : await ready?.text() }
}

const uidOf = async (proc: ChildProcess) => {
  const pid = (await run('pgrep', ['-P', String(proc.pid)])).stdout.trim()
  return (await readFile(`/proc/${pid}/status`, 'utf8')).match(/^Uid:\s+(\d+)/m)?.[1]
}

describe('the images', () => {
  it('build from a context without local data, secrets, .git or node_modules (.dockerignore)', () => {
    expect(context).toContain('package.json')
    expect(
      context.filter((p) =>
        /^(\.data|\.git|node_modules|dist)(\/|$)|(^|\/)(node_modules|\.env|secrets\.json)(\/|$)/.test(
          p,
        ),
      ),
    ).toEqual([])
  })

  it.each(IMAGES)(
    '%s: its own files and the migrations, no secrets, .data, .git, node_modules or sources; uid 65532',
    async (image) => {
      const { root, config } = must(built.get(image))
      const entries = await readdir(root, { recursive: true })
      const found = entries.filter(
        (p) =>
          /(^|\/)(\.git|\.data|node_modules|secrets\.json|\.env|userlist\.txt)(\/|$)/.test(p) &&
          !p.startsWith('nodejs/lib/node_modules'),
      ) // the CI base's own npm
      expect(found).toEqual([])
      expect(entries.some((p) => p.startsWith('src/') || p.endsWith('.ts'))).toBe(false)
      const own = {
        frontend: ['role.mjs'],
        backend: ['fsrs-binding.linux-x64-gnu.node', 'role.mjs'], // the FSRS optimiser
        auth: ['role.mjs'],
        credit: ['role.mjs'],
        ai: ['pico-lingware', 'role.mjs', 'svoxpico.wasm'], // keyless speech
        ops: ['backup.mjs', 'migrate.mjs', 'restore.mjs'],
      }[image]
      expect((await readdir(join(root, 'app'))).sort()).toEqual(
        [...own, 'migrations', 'web'].sort(),
      )
      expect((await readdir(join(root, 'app', 'web'))).includes('index.html')).toBe(
        image === 'frontend',
      )
      expect(config.User).toBe('65532:65532')
      expect(config.Healthcheck.Test.join(' ')).toContain('/healthz')
    },
  )

  it('ops migrates an empty database; every role then runs as uid 65532 on a read-only root and is ready', async () => {
    const migrate = start('ops', { MIGRATION_DATABASE_URL: db.url }, ['/app/migrate.mjs'])
    expect([await migrate.exited, migrate.log()]).toEqual([
      0,
      expect.stringContaining('"migrated"'),
    ])
    const keys = await serviceKeyEnv()
    const ports = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await freePort()])),
    )
    const common = { ...keys, DATABASE_URL: db.url, LOG_LEVEL: 'info' }
    const redis = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }
    const env = {
      backend: { ...common, ...redis },
      auth: {
        ...common,
        ...redis,
        SMTP_URL: 'smtp://127.0.0.1:9',
        KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      },
      credit: common,
      ai: { ...common, ...s3.env },
      frontend: { ...keys, BACKEND_URL: `http://127.0.0.1:${ports.backend}` },
    }
    const roles = ROLES.map((role) => ({
      role,
      ...start(role, { ...env[role], PORT: String(ports[role]) }),
    }))
    // The frontend last: it is ready (not degraded) once the backend is.
    for (const { role, proc, log } of roles.reverse()) {
      const ready = await readyz(ports[role])
      expect([role, ready.status, ready.body.status, log().includes('"listening"')]).toEqual([
        role,
        200,
        'ready',
        true,
      ])
      if (role !== 'frontend') expect(ready.body.checks.migrations).toBe('up')
      expect(await uidOf(proc)).toBe('65532')
    }
    // The same root, read-only: nothing can be written there.
    const { root, config } = must(built.get('backend'))
    const write = await run('unshare', [
      '--mount',
      'sh',
      '-c',
      `${mounts(root)} && chroot --userspec=${config.User} ${root} /nodejs/bin/node -e "require('fs').writeFileSync('/app/x', 'x')"`,
    ]).catch((e: Error) => e.message)
    expect(write).toMatch(/EROFS/)
  }, 300_000)
})
