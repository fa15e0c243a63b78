import { Extension, type Editor } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { isAllowedLink } from '@quire/shared/schema'
import { h } from '../ui/dom.js'

/** Opens a link of the document in a new tab, without giving that page a handle on this one. */
function openLink(href: string): void {
  if (isAllowedLink(href)) window.open(href, '_blank', 'noopener,noreferrer')
}

/**
 * Ctrl+click (⌘+click on a Mac) opens a link in a new tab, as in other editors; a plain click
 * places the caret. Read-only pages need nothing: the browser follows their links itself.
 */
export const LinkOpening = Extension.create({
  name: 'quireLinkOpening',

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('quireLinkOpening'),
        props: {
          handleClick(view, _pos, event) {
            if (event.button !== 0 || !(event.ctrlKey || event.metaKey)) return false
            const link = (event.target as Element | null)?.closest?.('a')
            const href = link && view.dom.contains(link) ? link.getAttribute('href') : null
            if (!href) return false
            openLink(href)
            return true
          },
        },
      }),
    ]
  },
})

export interface LinkBubble {
  element: HTMLElement
  destroy(): void
}

/**
 * While the caret is in a link: a small bar under it with the address (a real link that opens
 * in a new tab), Edit and Remove. It follows the editor's text, so Tab from the text reaches it.
 */
export function createLinkBubble(editor: Editor, onEdit: () => void): LinkBubble {
  const open = h('a', { class: 'link-bubble__open', attrs: { target: '_blank', rel: 'noopener noreferrer nofollow' } })
  const address = h('span', { class: 'link-bubble__href' })
  open.append(h('span', { class: 'link-bubble__verb', text: 'Open' }), address)
  const edit = h('button', { class: 'button button--quiet link-bubble__button', text: 'Edit', attrs: { type: 'button' }, on: { click: onEdit } })
  const remove = h('button', {
    class: 'button button--quiet link-bubble__button',
    text: 'Remove',
    attrs: { type: 'button' },
    on: { click: () => editor.chain().focus().extendMarkRange('link').unsetLink().run() },
  })
  const element = h('div', { class: 'link-bubble', attrs: { role: 'group', 'aria-label': 'Link' } }, open, edit, remove)
  element.hidden = true

  const update = () => {
    const href = editor.getAttributes('link').href as string | undefined
    const inBubble = element.contains(document.activeElement)
    const show = editor.isEditable && href !== undefined && isAllowedLink(href) && (editor.isFocused || inBubble)
    if (!show) {
      element.hidden = true
      return
    }
    open.href = href
    address.textContent = href
    element.hidden = false
    // Under the start of the selection, inside the editor's box.
    const host = element.offsetParent ?? element.parentElement
    if (!host) return
    const box = host.getBoundingClientRect()
    const at = editor.view.coordsAtPos(editor.state.selection.from)
    element.style.top = `${at.bottom - box.top + 6}px`
    element.style.left = `${Math.max(0, Math.min(at.left - box.left, box.width - element.offsetWidth))}px`
  }
  // Tab from the text into the bar keeps it; leaving both hides it.
  const onBlur = ({ event }: { event: FocusEvent }) => {
    if (!element.contains(event.relatedTarget as Node | null)) update()
  }
  const onFocusOut = (event: FocusEvent) => {
    const next = event.relatedTarget as Node | null
    if (!element.contains(next) && !editor.view.dom.contains(next)) element.hidden = true
  }
  editor.on('selectionUpdate', update)
  editor.on('transaction', update)
  editor.on('focus', update)
  editor.on('blur', onBlur)
  element.addEventListener('focusout', onFocusOut)
  // A click on the bar leaves the caret (and the focus) in the text.
  element.addEventListener('mousedown', (event) => event.preventDefault())
  // Escape from the bar goes back to the text.
  element.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return
    event.preventDefault()
    editor.view.focus()
  })
  return {
    element,
    destroy() {
      editor.off('selectionUpdate', update)
      editor.off('transaction', update)
      editor.off('focus', update)
      editor.off('blur', onBlur)
    },
  }
}
