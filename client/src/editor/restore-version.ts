import type { Editor, JSONContent } from '@tiptap/core'
import { yUndoPluginKey } from '@tiptap/y-tiptap'
import type * as Y from 'yjs'
import { commentsOf, restoreThreads, type VersionThread } from '@quire/shared/comments'
import { textChange } from './text-change.js'

/** The origin of the title's and comments' part of a restore: tracked by this editor's undo, unlike typing in the title field or commenting. */
const RESTORE_REST_ORIGIN = Symbol('restore-title-and-comments')

export interface RestoredVersion {
  /** The version's body, as ProseMirror JSON (the JSON export: its comment threads beside it, if it had any). */
  content: JSONContent & { comments?: VersionThread[] }
  title: string
}

/**
 * Brings a version back as this person's own edit: the body through the editor (y-tiptap
 * turns it into a forward change, the smallest that makes the text the version's), the title
 * as a splice, then the version's comment threads on the restored text, all in one step of
 * the editor's undo, so Ctrl+Z takes the restore back and
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
  const doc = title.doc!
  undoManager.addToScope([title, commentsOf(doc)])
  undoManager.trackedOrigins.add(RESTORE_REST_ORIGIN)

  const { comments = [], ...body } = version.content
  // An empty document is one empty paragraph to the editor.
  const content = body.content?.length ? body : { type: 'doc', content: [{ type: 'paragraph' }] }
  // Its own undo step: not merged with typing just before or just after.
  undoManager.stopCapturing()
  const stepsBefore = undoManager.undoStack.length
  editor.commands.setContent(content, { errorOnInvalidContent: true })
  const change = textChange(title.toString(), version.title)
  if (change) {
    // Within the undo manager's capture time, so it joins the body's step.
    doc.transact(() => {
      if (change.remove > 0) title.delete(change.index, change.remove)
      if (change.insert) title.insert(change.index, change.insert)
    }, RESTORE_REST_ORIGIN)
  }
  restoreThreads(doc, comments, RESTORE_REST_ORIGIN)
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
