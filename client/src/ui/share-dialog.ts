import type { DocLinks, Role } from '@quire/shared'
import { h } from './dom.js'

export interface ShareDialogOptions {
  role: Role
  /** The links this browser knows for the document. */
  links: Partial<DocLinks>
  /** Owner only: the current links from the server (this browser may never have seen them). */
  fetchLinks?(): Promise<DocLinks>
  /** Owner only: makes new links (every older one stops working); resolves with them. */
  rotate(): Promise<DocLinks>
  /** Owner only: deletes the document for everyone. */
  remove(): Promise<void>
}

const LINK_ROWS: { role: Role; label: string; hint: string }[] = [
  { role: 'edit', label: 'Edit link', hint: 'Anyone with this link can read and edit.' },
  { role: 'comment', label: 'Comment link', hint: 'Anyone with this link can read and comment, but not change the text.' },
  { role: 'view', label: 'View link', hint: 'Anyone with this link can read, live, but not change anything.' },
  {
    role: 'owner',
    label: 'Owner link',
    hint:
      'Your owner rights are this link, and only this browser remembers it (there are no accounts). ' +
      'Keep a copy somewhere safe, such as a password manager: without it, nobody can make new links or delete the document. Never share it.',
  },
]

/** Copies text; falls back to a selection and the old copy command where the clipboard API is missing. */
async function copyText(text: string, field: HTMLInputElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    field.select()
    if (!document.execCommand('copy')) throw new Error('copy failed')
  }
}

/**
 * Share: the edit, comment and view links with copy buttons; for the owner, new links (rotation) and
 * deletion, each behind a confirmation. Loaded only when opened.
 */
export function openShareDialog(options: ShareDialogOptions): HTMLDialogElement {
  const { role } = options
  let links = { ...options.links }
  /** Owner only, while the current links are on their way, or why they did not come. */
  let loading: 'loading' | 'failed' | undefined = options.fetchLinks ? 'loading' : undefined
  const announce = h('p', { class: 'dialog__live visually-hidden', attrs: { 'aria-live': 'polite' } })
  const linkList = h('div', { class: 'share__links' })

  const renderLinks = () => {
    const rows: HTMLElement[] = LINK_ROWS.map(({ role: linkRole, label, hint }) => {
      const link = links[linkRole]
      // Only the owner sees the owner link (this browser keeps it only where it was one).
      if (!link || (linkRole === 'owner' && role !== 'owner')) return null
      const id = `share-${linkRole}`
      const field = h('input', { class: 'field__input share__url', attrs: { id, type: 'text', readonly: true, 'aria-describedby': `${id}-hint` } })
      field.value = link
      field.addEventListener('focus', () => field.select())
      const copy = h('button', {
        class: 'button',
        text: 'Copy',
        attrs: { type: 'button', 'data-copy': linkRole, 'aria-label': `Copy ${label.toLowerCase()}` },
        on: {
          click: async () => {
            try {
              await copyText(link, field)
              copy.textContent = 'Copied'
              announce.textContent = `${label} copied.`
            } catch {
              announce.textContent = 'Copying failed: select the link and copy it yourself.'
              field.select()
            }
          },
        },
      })
      return h(
        'div',
        { class: `field${linkRole === 'owner' ? ' share__owner-link' : ''}` },
        h('label', { class: 'field__label', text: label, attrs: { for: id } }),
        h('div', { class: 'share__row' }, field, copy),
        h('p', { class: 'field__hint', text: hint, attrs: { id: `${id}-hint` } }),
      )
    }).filter((row): row is HTMLDivElement => row !== null)
    if (!rows.some((row) => row.querySelector('[data-copy="edit"], [data-copy="comment"], [data-copy="view"]'))) {
      const missing =
        role !== 'owner'
          ? 'Only the document’s owner can share other links.'
          : loading === 'loading'
            ? 'Loading the links…'
            : 'The links could not be loaded: check the connection and open Share again.'
      rows.unshift(h('p', { class: 'share__missing', text: missing }))
    } else if (role !== 'owner' && !links.view) {
      rows.push(h('p', { class: 'field__hint', text: 'Ask the owner for a view-only link.' }))
    }
    linkList.replaceChildren(...rows)
  }
  renderLinks()
  if (options.fetchLinks) {
    options.fetchLinks().then(
      (current) => {
        loading = undefined
        links = { ...current }
        const hadFocus = linkList.contains(document.activeElement)
        renderLinks()
        if (hadFocus || document.activeElement === closeButton) linkList.querySelector<HTMLElement>('[data-copy]')?.focus()
      },
      () => {
        // The links this browser knows (if any) stay on show.
        loading = 'failed'
        renderLinks()
      },
    )
  }

  const closeButton = h('button', { class: 'button', text: 'Done', attrs: { type: 'button' }, on: { click: () => dialog.close() } })
  const body = h(
    'div',
    { class: 'dialog__body' },
    h('h2', { class: 'dialog__title', text: 'Share', attrs: { id: 'share-title' } }),
    linkList,
    role === 'owner' ? ownerSection() : null,
    announce,
    h('div', { class: 'dialog__actions' }, closeButton),
  )
  const dialog = h('dialog', { class: 'dialog', attrs: { 'aria-labelledby': 'share-title' } }, body)
  dialog.addEventListener('close', () => dialog.remove())
  document.body.append(dialog)
  dialog.showModal()
  ;(dialog.querySelector<HTMLElement>('[data-copy]') ?? closeButton).focus()
  return dialog

  function ownerSection(): HTMLElement {
    const error = h('p', { class: 'field__error', attrs: { role: 'alert' } })
    const confirmArea = h('div', { class: 'share__confirm' })
    const ask = (question: string, confirmLabel: string, danger: boolean, action: () => Promise<void>) => {
      error.textContent = ''
      const confirm = h('button', { class: `button ${danger ? 'button--danger' : 'button--primary'}`, text: confirmLabel, attrs: { type: 'button' } })
      const cancel = h('button', { class: 'button', text: 'Cancel', attrs: { type: 'button' }, on: { click: () => confirmArea.replaceChildren() } })
      confirm.addEventListener('click', async () => {
        confirm.disabled = true
        cancel.disabled = true
        try {
          await action()
          confirmArea.replaceChildren()
        } catch (failure) {
          error.textContent = failure instanceof Error ? failure.message : 'That did not work; try again.'
          confirm.disabled = false
          cancel.disabled = false
        }
      })
      confirmArea.replaceChildren(h('p', { class: 'share__question', text: question }), h('div', { class: 'dialog__actions' }, cancel, confirm))
      confirm.focus()
    }
    const rotate = h('button', {
      class: 'button',
      text: 'Make new links',
      attrs: { type: 'button' },
      on: {
        click: () =>
          ask('Everyone using the current links loses access at once, until you share the new ones.', 'Make new links', false, async () => {
            links = { ...(await options.rotate()) }
            renderLinks()
            announce.textContent = 'New links made: the old ones no longer work.'
            linkList.querySelector<HTMLElement>('[data-copy]')?.focus()
          }),
      },
    })
    const remove = h('button', {
      class: 'button button--danger-quiet',
      text: 'Delete document',
      attrs: { type: 'button' },
      on: { click: () => ask('Delete this document for everyone? This cannot be undone.', 'Delete for everyone', true, options.remove) },
    })
    return h(
      'section',
      { class: 'share__manage', attrs: { 'aria-labelledby': 'manage-title' } },
      h('h3', { class: 'share__subtitle', text: 'Manage', attrs: { id: 'manage-title' } }),
      h('div', { class: 'share__manage-actions' }, rotate, remove),
      confirmArea,
      error,
    )
  }
}
