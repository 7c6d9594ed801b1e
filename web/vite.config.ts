import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'
import { precompress } from './precompress'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
  server: { proxy: { '/api': 'http://127.0.0.1:8081' } },
})
