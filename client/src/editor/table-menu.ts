import type { Editor } from '@tiptap/core'
import { h } from '../ui/dom.js'

interface TableCommand {
  label: string
  run(editor: Editor): boolean
}

const COMMANDS: TableCommand[] = [
  { label: 'Add row above', run: (e) => e.chain().focus().addRowBefore().run() },
  { label: 'Add row below', run: (e) => e.chain().focus().addRowAfter().run() },
  { label: 'Add column left', run: (e) => e.chain().focus().addColumnBefore().run() },
  { label: 'Add column right', run: (e) => e.chain().focus().addColumnAfter().run() },
  { label: 'Delete row', run: (e) => e.chain().focus().deleteRow().run() },
  { label: 'Delete column', run: (e) => e.chain().focus().deleteColumn().run() },
  { label: 'Header row on or off', run: (e) => e.chain().focus().toggleHeaderRow().run() },
  { label: 'Delete table', run: (e) => e.chain().focus().deleteTable().run() },
]

/**
 * The table's commands in a menu (a popover under the toolbar's Table button), loaded only
 * when someone first opens it: a page that never edits a table never downloads it.
 */
export function createTableMenu(editor: Editor, trigger: HTMLElement): { open(): void } {
  const menu = h('div', { class: 'menu', attrs: { id: 'table-menu', popover: 'auto', role: 'menu', 'aria-label': 'Table' } })
  const items = COMMANDS.map((command) =>
    h('button', {
      class: 'menu__item',
      text: command.label,
      attrs: { type: 'button', role: 'menuitem' },
      on: {
        click: () => {
          menu.hidePopover()
          command.run(editor)
        },
      },
    }),
  )
  menu.append(...items)
  document.body.append(menu)
  menu.addEventListener('toggle', (event) => {
    const open = (event as ToggleEvent).newState === 'open'
    trigger.setAttribute('aria-expanded', String(open))
    if (!open) return
    const box = trigger.getBoundingClientRect()
    menu.style.top = `${box.bottom + 4}px`
    menu.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - menu.offsetWidth - 8))}px`
    items[0]?.focus()
  })
  menu.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    event.preventDefault()
    const index = items.indexOf(document.activeElement as HTMLButtonElement)
    items[(index + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
  })
  return { open: () => menu.showPopover() }
}
