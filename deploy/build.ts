import { cp, mkdir, rm } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { join, resolve } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { ROLES, type Role } from '../lib/config'
import { WEB_DIST } from './spa'

const ROOT = resolve(import.meta.dirname, '..')
const DIST = join(ROOT, 'dist')
const BUILTIN = new RegExp(
  `^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`,
)

// What wrangler does: Node built-ins become external `node:` imports; a CJS require() of one becomes
// an ESM import, since workerd has no require().
const nodeBuiltins: Plugin = {
  name: 'node-builtins',
  setup(b) {
    b.onResolve({ filter: BUILTIN }, (args) => {
      const name = args.path.replace(/^node:/, '')
      return args.kind === 'require-call'
        ? { path: name, namespace: 'node-require' }
        : { path: `node:${name}`, external: true }
    })
    b.onLoad({ filter: /.*/, namespace: 'node-require' }, (args) => ({
      contents: `import m from 'node:${args.path}'; module.exports = m`,
      loader: 'js',
    }))
  },
}

/** One ESM bundle of a role for workerd (as miniflare and wrangler run it). */
export async function bundleWorker(role: Role, outfile?: string) {
  const result = await build({
    entryPoints: [join(ROOT, 'deploy', 'workers', `${role}.ts`)],
    bundle: true,
    format: 'esm',
    platform: 'browser', // applies package.json "browser" swaps, e.g. the AWS SDK's runtime config
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['cloudflare:*', 'pg-native'],
    plugins: [nodeBuiltins],
    write: Boolean(outfile),
    outfile,
    logLevel: 'error',
  })
  return outfile ?? result.outputFiles?.[0].text ?? ''
}

/** One self-contained Node bundle (ESM, Node 20) from `contents`, a module in the repository's root. */
const bundleNodeEntry = (contents: string, outfile: string) =>
  build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    external: ['pg-native'],
    // CJS dependencies inside an ESM bundle still call require() for built-ins.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    minify: true,
    sourcemap: true,
    logLevel: 'error',
  })

/** A role's bundle: its app only, no embedded data tier. */
const bundleNode = (role: Role) =>
  bundleNodeEntry(
    [
      `import create from './functions/${role}/index'`,
      `import { runRole } from './deploy/serve'`,
      `await runRole('${role}', create, {`,
      `  migrationsDir: new URL('./migrations/', import.meta.url),`,
      `  assetsDir: new URL('./web/', import.meta.url).pathname,`,
      `})`,
    ].join('\n'),
    join(DIST, `${role}.mjs`),
  )

/** The ops image's jobs: backup.mjs, restore.mjs, migrate.mjs (migrations in ./migrations beside them). */
export async function bundleOps(dir = DIST) {
  await Promise.all([
    bundleNodeEntry(`import './deploy/db/backup'`, join(dir, 'backup.mjs')),
    bundleNodeEntry(`import './deploy/db/restore'`, join(dir, 'restore.mjs')),
    bundleNodeEntry(
      `import { migrateJob } from './deploy/db/migrate'\nawait migrateJob(new URL('./migrations/', import.meta.url))`,
      join(dir, 'migrate.mjs'),
    ),
  ])
}

async function main() {
  const started = performance.now()
  await rm(DIST, { recursive: true, force: true })
  await mkdir(join(DIST, 'workers'), { recursive: true })
  const { build: viteBuild } = await import('vite')
  await viteBuild({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' })
  await cp(WEB_DIST, join(DIST, 'web'), { recursive: true })
  await cp(join(ROOT, 'lib', 'db', 'migrations'), join(DIST, 'migrations'), { recursive: true })
  // The ai bundle's keyless speech finds its engine and lingware beside itself (new URL(…, import.meta.url)).
  await cp(join(ROOT, 'lib', 'node', 'pico-lingware'), join(DIST, 'pico-lingware'), {
    recursive: true,
  })
  await cp(
    join(ROOT, 'node_modules', '@echogarden', 'svoxpico-wasm', 'svoxpico.wasm'),
    join(DIST, 'svoxpico.wasm'),
  )
  // The backend reads Anki packages with sql.js, whose WebAssembly it finds beside the bundle.
  await cp(
    join(ROOT, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'),
    join(DIST, 'sql-wasm.wasm'),
  )
  // The backend's FSRS optimiser loads its native library from beside the bundle (the binding's first try).
  const fsrs = join(ROOT, 'node_modules', '@open-spaced-repetition', 'binding-linux-x64-gnu')
  await cp(
    join(fsrs, 'fsrs-binding.linux-x64-gnu.node'),
    join(DIST, 'fsrs-binding.linux-x64-gnu.node'),
  )
  await Promise.all([
    ...ROLES.flatMap((r) => [bundleNode(r), bundleWorker(r, join(DIST, 'workers', `${r}.mjs`))]),
    bundleOps(),
  ])
  console.log(
    `Built ${ROLES.length} role bundles, their workerd twins, the ops jobs and the SPA into dist/ in ${Math.round(performance.now() - started)} ms`,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
