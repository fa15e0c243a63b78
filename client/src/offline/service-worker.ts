/**
 * The service worker: keeps this build's files so pages load without the server.
 *
 * - The app's files (hashed, immutable) are stored at install and served from the cache.
 * - Pages (`/`, `/d/:id`) come from the network while it answers, else from the stored shell.
 * - The API, the collaboration socket and anything else go straight to the network.
 *
 * The list of files is filled in at build time (see vite.config.ts).
 */

// The DOM library is in scope, not the worker one: name the few worker types used here.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request
  respondWith(response: Promise<Response>): void
}
interface WorkerScope {
  readonly location: Location
  skipWaiting(): Promise<void>
  readonly clients: { claim(): Promise<void> }
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
}

const worker = self as unknown as WorkerScope
/** The build's files, as JSON: the build replaces the placeholder (see vite.config.ts). */
const PRECACHE = JSON.parse('__QUIRE_PRECACHE__') as string[]
const CACHE_PREFIX = 'quire-shell-'
const SHELL = '/'

/** One cache per build: its name follows the file list, which follows the content hashes. */
function cacheName(): string {
  let hash = 0
  for (const char of PRECACHE.join('\n')) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0
  return `${CACHE_PREFIX}${(hash >>> 0).toString(36)}`
}
const CACHE = cacheName()

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => worker.skipWaiting()),
  )
})

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => worker.clients.claim()),
  )
})

function isPage(request: Request, url: URL): boolean {
  return request.mode === 'navigate' && (url.pathname === '/' || url.pathname.startsWith('/d/'))
}

worker.addEventListener('fetch', (event) => {
  const { request } = event
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== worker.location.origin) return
  if (isPage(request, url)) {
    // Fresh while the server answers (the fragment with the key is never part of the request).
    event.respondWith(fetch(request).catch(() => caches.match(SHELL, { cacheName: CACHE }).then((cached) => cached ?? Response.error())))
    return
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((cached) => cached ?? fetch(request)))
  }
})
