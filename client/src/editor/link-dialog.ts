import type { Editor } from '@tiptap/core'
import { h } from '../ui/dom.js'
import { normalizeHref } from './link-policy.js'

/**
 * Asks for a link address for the selection (or the link under the caret). Only http, https
 * and mailto addresses are accepted; a bare host name gets https.
 */
export function openLinkDialog(editor: Editor): void {
  const current = (editor.getAttributes('link').href as string | undefined) ?? ''
  const input = h('input', {
    class: 'field__input',
    attrs: { id: 'link-url', type: 'text', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://example.org' },
  })
  input.value = current
  const error = h('p', { class: 'field__error', attrs: { id: 'link-error', role: 'alert' } })
  const remove = h('button', { class: 'button', text: 'Remove link', attrs: { type: 'button' } })
  remove.hidden = current === ''
  const form = h(
    'form',
    { class: 'dialog__body', attrs: { method: 'dialog' } },
    h('h2', { class: 'dialog__title', text: current ? 'Edit link' : 'Add a link', attrs: { id: 'link-title' } }),
    h('div', { class: 'field' }, h('label', { class: 'field__label', text: 'Address (http, https or mailto)', attrs: { for: 'link-url' } }), input, error),
    h(
      'div',
      { class: 'dialog__actions' },
      remove,
      h('button', { class: 'button', text: 'Cancel', attrs: { type: 'button', value: 'cancel' }, on: { click: () => dialog.close() } }),
      h('button', { class: 'button button--primary', text: 'Apply', attrs: { type: 'submit' } }),
    ),
  )
  const dialog = h('dialog', { class: 'dialog dialog--small', attrs: { 'aria-labelledby': 'link-title' } }, form)

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const href = normalizeHref(input.value)
    if (href === undefined) {
      error.textContent = 'Use a web address (https://…) or an email address (mailto:…).'
      input.setAttribute('aria-invalid', 'true')
      input.setAttribute('aria-describedby', 'link-error')
      input.focus()
      return
    }
    const chain = editor.chain().focus().extendMarkRange('link')
    if (editor.state.selection.empty && !editor.isActive('link')) {
      // No text chosen: the address itself becomes the linked text.
      chain.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run()
    } else {
      chain.setLink({ href }).run()
    }
    dialog.close()
  })
  remove.addEventListener('click', () => {
    editor.chain().focus().extendMarkRange('link').unsetLink().run()
    dialog.close()
  })
  dialog.addEventListener('close', () => {
    dialog.remove()
    // At once, not on the next frame: what is typed right after Apply goes into the text.
    editor.view.focus()
  })
  document.body.append(dialog)
  dialog.showModal()
  input.select()
}
