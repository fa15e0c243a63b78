import type { Editor } from '@tiptap/core'
import type * as Y from 'yjs'
import { bindTitle } from '../editor/title-binding.js'
import { h } from '../ui/dom.js'

export interface DocTitle {
  /** The field people type the title in. */
  input: HTMLInputElement
  /** The page's one top heading: the title, for screen readers (the field shows it to everyone else). */
  heading: HTMLHeadingElement
  /** The title now, trimmed. */
  current(): string
}

export interface DocTitleOptions {
  title: Y.Text
  writer: boolean
  /** The editor Enter moves to; set once the editor exists. */
  editor(): Editor
  onChange(title: string): void
}

/**
 * The document's title: a field bound to the shared title, the browser tab following it, and
 * Enter moving on to the start of the text.
 */
export function createDocTitle({ title, writer, editor, onChange }: DocTitleOptions): DocTitle {
  const input = h('input', {
    class: 'doc-title',
    attrs: { type: 'text', 'aria-label': 'Document title', placeholder: 'Untitled', autocomplete: 'off', spellcheck: 'true' },
  })
  input.readOnly = !writer
  const heading = h('h1', { class: 'visually-hidden' })
  let current = ''
  bindTitle(input, title, (next) => {
    current = next.trim()
    heading.textContent = current || 'Untitled'
    document.title = `${current || 'Untitled'} · Quire`
    onChange(current)
  })
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !writer) return
    event.preventDefault()
    const body = editor()
    body.commands.focus('start')
    // Tiptap moves the focus on the next frame; keys typed before then would land in the title.
    body.view.focus()
  })
  return { input, heading, current: () => current }
}
