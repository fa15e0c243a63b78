import { Extension } from '@tiptap/core'
import type { Fragment, Node } from '@tiptap/pm/model'
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import { ReplaceStep } from '@tiptap/pm/transform'
import { ySyncPluginKey, yUndoPluginKey } from '@tiptap/y-tiptap'
import type * as Y from 'yjs'

/** What one local change did, as far as undo cares. */
export type EditKind = 'letters' | 'space' | 'delete' | 'other'

/** Whether a change starts an undo step of its own, and what it was. */
export interface UndoBoundary {
  kind: EditKind
  startsStep: boolean
}

const WHITESPACE = /^\s+$/

/**
 * Where undo steps begin, as in other editors: at each word (letters typed after a space or
 * at the start of a line), at each line break, when typing turns into deleting or back, and
 * at anything that is not plain typing (formatting, pasting, a new block). `previous` is the
 * kind of the person's change before this one (undefined after the caret moved elsewhere).
 */
export function undoBoundary(transaction: Transaction, before: Node, previous: EditKind | undefined): UndoBoundary {
  const step = transaction.steps.length === 1 ? transaction.steps[0] : undefined
  if (!(step instanceof ReplaceStep)) return { kind: 'other', startsStep: true }
  const { from, to, slice } = step
  const $from = before.resolve(from)
  if (!$from.parent.isTextblock) return { kind: 'other', startsStep: true }

  if (slice.size === 0 && from < to && $from.sameParent(before.resolve(to))) {
    return { kind: 'delete', startsStep: previous !== 'delete' }
  }
  const text = from === to && slice.openStart === 0 && slice.openEnd === 0 ? plainText(slice.content) : ''
  if (!text) return { kind: 'other', startsStep: true }
  if (WHITESPACE.test(text)) return { kind: 'space', startsStep: previous !== 'letters' && previous !== 'space' }
  const offset = $from.parentOffset
  const charBefore = $from.parent.textBetween(Math.max(0, offset - 1), offset, undefined, '\ufffc')
  return { kind: 'letters', startsStep: previous !== 'letters' || charBefore === '' || /\s/.test(charBefore) }
}

/** The text of inline content that is only text (with any marks), or '' when there is anything else. */
function plainText(content: Fragment): string {
  let text = ''
  let plain = true
  content.forEach((node) => {
    if (node.isText) text += node.text
    else plain = false
  })
  return plain ? text : ''
}

const undoStepsKey = new PluginKey<EditKind | undefined>('quireUndoSteps')

/** True for changes that came from elsewhere: other people, and this person's own undo and redo. */
function isRemote(transaction: Transaction): boolean {
  return (transaction.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true
}

function undoManagerOf(state: Parameters<typeof yUndoPluginKey.getState>[0]): Y.UndoManager | undefined {
  return (yUndoPluginKey.getState(state) as { undoManager?: Y.UndoManager } | undefined)?.undoManager
}

/**
 * Undo by words and line breaks. Yjs's undo manager groups every change made within half a
 * second of the one before into one step, so fast typing made whole paragraphs one step; this
 * tells it to start a new step wherever {@link undoBoundary} says. It stays the collaboration
 * extension's undo manager, so undo still takes back only this person's changes.
 */
export const UndoSteps = Extension.create({
  name: 'quireUndoSteps',

  addProseMirrorPlugins() {
    return [
      new Plugin<EditKind | undefined>({
        key: undoStepsKey,
        state: {
          init: () => undefined,
          apply(transaction, previous, before) {
            if (isRemote(transaction)) return previous
            if (!transaction.docChanged) return transaction.selectionSet ? undefined : previous
            return undoBoundary(transaction, before.doc, previous).kind
          },
        },
        // Runs after the changes are applied and before y-tiptap writes them to the Y.Doc,
        // where the undo manager captures them: the right moment to close the current step.
        appendTransaction(transactions, before) {
          let previous = undoStepsKey.getState(before)
          let doc = before.doc
          let startsStep = false
          for (const transaction of transactions) {
            if (isRemote(transaction)) continue
            if (transaction.docChanged) {
              const boundary = undoBoundary(transaction, doc, previous)
              startsStep ||= boundary.startsStep
              previous = boundary.kind
            } else if (transaction.selectionSet) {
              previous = undefined
            }
            doc = transaction.doc
          }
          if (startsStep) undoManagerOf(before)?.stopCapturing()
          return null
        },
        view(view) {
          // Typing right after an undo starts a step of its own, not one merged into the step before.
          const undoManager = undoManagerOf(view.state)
          const stop = () => undoManager?.stopCapturing()
          undoManager?.on('stack-item-popped', stop)
          return { destroy: () => undoManager?.off('stack-item-popped', stop) }
        },
      }),
    ]
  },
})
