import type * as Y from 'yjs'
import { mapPosition, textChange, type TextDelta } from './text-change.js'

/** Longest title: the server keeps the first 200 characters of the title field. */
export const MAX_TITLE_LENGTH = 200

/** The origin of title edits made in this input, so their echo does not reset the caret. */
const LOCAL_ORIGIN = Symbol('title-input')

/**
 * Binds an input to the shared title (a Y.Text): typing edits the shared text as a splice,
 * so two people typing in the title at once both keep their letters; remote changes update
 * the input and keep this person's caret where it was in the text.
 */
export function bindTitle(input: HTMLInputElement, title: Y.Text, onChange: (title: string) => void): () => void {
  const doc = title.doc!
  input.maxLength = MAX_TITLE_LENGTH
  input.value = title.toString()
  onChange(input.value)

  const onInput = () => {
    const change = textChange(title.toString(), input.value, input.selectionEnd ?? input.value.length)
    if (!change) return
    doc.transact(() => {
      if (change.remove > 0) title.delete(change.index, change.remove)
      if (change.insert) title.insert(change.index, change.insert)
    }, LOCAL_ORIGIN)
  }

  const onRemote = (event: Y.YTextEvent, transaction: Y.Transaction) => {
    const text = title.toString()
    if (transaction.origin !== LOCAL_ORIGIN && input.value !== text) {
      const focused = document.activeElement === input
      const start = input.selectionStart ?? 0
      const end = input.selectionEnd ?? 0
      input.value = text
      if (focused) {
        const delta = event.delta as TextDelta
        input.setSelectionRange(mapPosition(start, delta), mapPosition(end, delta))
      }
    }
    onChange(text)
  }

  input.addEventListener('input', onInput)
  title.observe(onRemote)
  return () => {
    input.removeEventListener('input', onInput)
    title.unobserve(onRemote)
  }
}
