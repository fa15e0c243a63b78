import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

const server = process.env.QUIRE_DEV_SERVER ?? 'http://127.0.0.1:3000'

/** The service worker's own output name: at the root, so its scope is the whole site. */
const SERVICE_WORKER_FILE = 'sw.js'
/** A string literal in the service worker, replaced in its build by the JSON list of files to keep. */
const PRECACHE_PLACEHOLDER = /(["'`])__QUIRE_PRECACHE__\1/g

/**
 * Fills the service worker's precache list with the names of this build's files, so a page
 * opened once can be reloaded with the server unreachable.
 */
function precacheList(): Plugin {
  return {
    name: 'quire-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const worker = bundle[SERVICE_WORKER_FILE]
      if (!worker || worker.type !== 'chunk') this.error(`${SERVICE_WORKER_FILE} is missing from the build`)
      const files = Object.keys(bundle)
        .filter((name) => name !== SERVICE_WORKER_FILE && name !== 'index.html' && !name.endsWith('.map'))
        .map((name) => `/${name}`)
        .sort()
      const list = JSON.stringify(['/', '/favicon.svg', ...files])
      const found = worker.code.match(PRECACHE_PLACEHOLDER)?.length ?? 0
      if (found !== 1) this.error(`expected one precache placeholder in the service worker, found ${found}`)
      worker.code = worker.code.replace(PRECACHE_PLACEHOLDER, () => JSON.stringify(list))
    },
  }
}

export default defineConfig({
  resolve: {
    // The shared package's source, bundled with the client (no separate build step needed).
    alias: [
      { find: /^@quire\/shared\/schema$/, replacement: fileURLToPath(new URL('../shared/src/schema.ts', import.meta.url)) },
      { find: /^@quire\/shared$/, replacement: fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        sw: fileURLToPath(new URL('./src/offline/service-worker.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? SERVICE_WORKER_FILE : 'assets/[name]-[hash].js'),
        // The libraries change far less often than our code: their own chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'editor-libs', priority: 1, test: /node_modules[\\/](@tiptap|prosemirror-|linkifyjs|orderedmap|rope-sequence|w3c-keyname)/ },
            { name: 'yjs-libs', priority: 2, test: /node_modules[\\/](yjs|lib0|y-protocols|y-websocket|y-indexeddb)[\\/]/ },
          ],
        },
      },
    },
  },
  plugins: [precacheList()],
  server: {
    proxy: {
      // The Host header is kept, so share links name the dev server's origin.
      '/api': { target: server },
      '/healthz': { target: server },
      '/readyz': { target: server },
      '/collab': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
})
