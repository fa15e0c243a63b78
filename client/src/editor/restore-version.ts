import type { Editor, JSONContent } from '@tiptap/core'
import { yUndoPluginKey } from '@tiptap/y-tiptap'
import type * as Y from 'yjs'
import { textChange } from './text-change.js'

/** The origin of the title's part of a restore: tracked by this editor's undo, unlike typing in the title field. */
const RESTORE_TITLE_ORIGIN = Symbol('restore-title')

export interface RestoredVersion {
  /** The version's body, as ProseMirror JSON. */
  content: JSONContent
  title: string
}

/**
 * Brings a version back as this person's own edit: the body through the editor (y-tiptap
 * turns it into a forward change, the smallest that makes the text the version's), the title
 * as a splice, both in one step of the editor's undo, so Ctrl+Z takes the restore back and
 * the undo reaches everyone like any edit. Throws, changing nothing, on content the schema
 * does not accept.
 */
/** A restore made in the editor: `onUndone` hears when the person's undo takes it back. */
export interface RestoreInEditor {
  onUndone(listener: () => void): void
}

export function restoreVersion(editor: Editor, title: Y.Text, version: RestoredVersion): RestoreInEditor {
  const undoManager = yUndoPluginKey.getState(editor.state)?.undoManager as Y.UndoManager | undefined
  if (!undoManager) throw new Error('The editor has no undo history to restore into.')
  undoManager.addToScope(title)
  undoManager.trackedOrigins.add(RESTORE_TITLE_ORIGIN)

  // An empty document is one empty paragraph to the editor.
  const content = version.content.content?.length ? version.content : { type: 'doc', content: [{ type: 'paragraph' }] }
  // Its own undo step: not merged with typing just before or just after.
  undoManager.stopCapturing()
  const stepsBefore = undoManager.undoStack.length
  editor.commands.setContent(content, { errorOnInvalidContent: true })
  const change = textChange(title.toString(), version.title)
  if (change) {
    // Within the undo manager's capture time, so it joins the body's step.
    title.doc!.transact(() => {
      if (change.remove > 0) title.delete(change.index, change.remove)
      if (change.insert) title.insert(change.index, change.insert)
    }, RESTORE_TITLE_ORIGIN)
  }
  undoManager.stopCapturing()
  // Nothing to undo when the version was the document as it is.
  const step = undoManager.undoStack.length > stepsBefore ? undoManager.undoStack.at(-1) : undefined
  return {
    onUndone(listener) {
      if (!step) return
      const onPopped = ({ stackItem, type }: { stackItem: unknown; type: 'undo' | 'redo' }) => {
        if (type !== 'undo' || stackItem !== step) return
        undoManager.off('stack-item-popped', onPopped)
        listener()
      }
      undoManager.on('stack-item-popped', onPopped)
    },
  }
}
