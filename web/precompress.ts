import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

// Text the browser fetches; images and fonts are compressed already.
const COMPRESSIBLE = /\.(?:html|js|mjs|css|svg|json|txt|webmanifest)$/

/**
 * Writes `<file>.br` and `<file>.gz` beside every text file of the build, at the strongest settings: the
 * edge picks one per request (lib/node/assets.ts) and never compresses a static file itself. A variant
 * that is not smaller than the file is left out.
 */
export function precompress(): Plugin {
  let outDir = ''
  return {
    name: 'precompress',
    apply: 'build',
    configResolved: (config) => void (outDir = join(config.root, config.build.outDir)),
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name))
      await Promise.all(
        files.map(async (name) => {
          const path = join(outDir, name)
          const raw = await readFile(path)
          const variants = {
            br: brotliCompressSync(raw, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
              },
            }),
            gz: gzipSync(raw, { level: 9 }),
          }
          for (const [ext, body] of Object.entries(variants))
            if (body.length < raw.length) await writeFile(`${path}.${ext}`, body)
        }),
      )
    },
  }
}
