import { docIdOfPath } from './collab/link-key.js'
import { registerServiceWorker } from './offline/register-service-worker.js'
import { showMessagePage } from './ui/message-page.js'
import './styles/base.css'

/**
 * The entry: picks the page from the path and loads only that page's code, so the home page
 * never downloads the editor.
 */
async function route(app: HTMLElement): Promise<void> {
  const path = location.pathname
  if (path === '/' || path === '/index.html') {
    const { showHomePage } = await import('./pages/home-page.js')
    return showHomePage(app)
  }
  const id = docIdOfPath(path)
  if (id !== undefined) {
    const { showDocPage } = await import('./pages/doc-page.js')
    return showDocPage(app, id)
  }
  showMessagePage(app, { title: 'Page not found', body: 'There is nothing at this address.' })
}

const app = document.querySelector<HTMLElement>('#app')
if (app) {
  route(app).catch((error: unknown) => {
    showMessagePage(
      app,
      {
        title: 'Something went wrong',
        body: error instanceof Error ? error.message : 'The page could not be shown.',
        retry: true,
      },
      () => location.reload(),
    )
  })
}
registerServiceWorker()
