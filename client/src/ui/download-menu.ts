import type { ExportFormat } from '@quire/shared'
import { h } from './dom.js'
import { icon } from './icons.js'

/** What a document (or one of its versions) can be downloaded as. */
export const DOWNLOAD_FORMATS: { format: ExportFormat; label: string; extension: string }[] = [
  { format: 'markdown', label: 'Markdown (.md)', extension: 'md' },
  { format: 'html', label: 'Web page (.html)', extension: 'html' },
  { format: 'docx', label: 'Word (.docx)', extension: 'docx' },
]

/** A file name from a title: letters, digits and dashes, never empty. */
export function downloadName(title: string, extension: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .toLowerCase()
  return `${base || 'untitled'}.${extension}`
}

export interface DownloadMenuOptions {
  fetchExport(format: ExportFormat): Promise<Blob>
  title(): string
  onError(message: string): void
}

/** "Download": a small menu (a popover) with the export formats; the file comes from the server's export. */
export function createDownloadMenu({ fetchExport, title, onError }: DownloadMenuOptions): HTMLElement {
  const menu = h('div', { class: 'menu', attrs: { id: 'download-menu', popover: 'auto', role: 'menu', 'aria-label': 'Download as' } })
  const trigger = h(
    'button',
    { class: 'button button--ghost', attrs: { type: 'button', popovertarget: 'download-menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false' } },
    icon('download'),
    h('span', { class: 'button__text', text: 'Download' }),
  )
  const items = DOWNLOAD_FORMATS.map(({ format, label, extension }) =>
    h('button', {
      class: 'menu__item',
      text: label,
      attrs: { type: 'button', role: 'menuitem', 'data-format': format },
      on: {
        click: async () => {
          menu.hidePopover()
          try {
            saveBlob(await fetchExport(format), downloadName(title(), extension))
          } catch (error) {
            onError(error instanceof Error ? error.message : 'The download failed.')
          }
        },
      },
    }),
  )
  menu.append(...items)
  menu.addEventListener('toggle', (event) => {
    const open = (event as ToggleEvent).newState === 'open'
    trigger.setAttribute('aria-expanded', String(open))
    if (!open) return
    const box = trigger.getBoundingClientRect()
    menu.style.top = `${box.bottom + 4}px`
    menu.style.left = `${Math.max(8, Math.min(box.right - menu.offsetWidth, window.innerWidth - menu.offsetWidth - 8))}px`
    items[0]?.focus()
  })
  menu.addEventListener('keydown', (event) => {
    const index = items.indexOf(document.activeElement as HTMLButtonElement)
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    event.preventDefault()
    const next = (index + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length
    items[next]?.focus()
  })
  return h('div', { class: 'download' }, trigger, menu)
}

/** Hands a file to the browser's downloads. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const link = h('a', { attrs: { href: url, download: name } })
  document.body.append(link)
  link.click()
  link.remove()
  // The download has started from the click; free the blob a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}
