import { defineConfig } from 'vite'

const server = process.env.QUIRE_DEV_SERVER ?? 'http://127.0.0.1:3000'

export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': server,
      '/healthz': server,
      '/readyz': server,
      '/collab': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
})
