/**
 * Registers the service worker that keeps the app's files, so a document page opened once
 * reloads while the server is unreachable (its content comes from IndexedDB). Production
 * builds only: the dev server's modules are not precached.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    // Without it the app works as before, only not offline after a reload.
  })
}
