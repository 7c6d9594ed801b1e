import { readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
/** Where the SPA is built, and where the frontend role serves it from on this machine. */
export const WEB_DIST = join(ROOT, 'web', 'dist')

async function newestMtime(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  const times = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map((e) => stat(join(e.parentPath, e.name)).then((s) => s.mtimeMs)),
  )
  return Math.max(0, ...times)
}

/** Builds the SPA when web/dist is missing or older than its sources. */
export async function buildSpaIfNeeded() {
  const built = await stat(join(WEB_DIST, 'index.html')).then(
    (s) => s.mtimeMs,
    () => 0,
  )
  if (built > (await newestMtime(join(ROOT, 'web', 'src')))) return
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' })
}
