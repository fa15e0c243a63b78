/**
 * Comments in the editor: the passages threads are on, highlighted, and the selection turned
 * into a thread's anchor. Both go through y-tiptap's mapping between ProseMirror positions and
 * the Y.XmlFragment, so they agree with the anchors the server makes (Yjs relative positions
 * into the same text).
 */
import { Extension, type Editor } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { anchorAt, type EncodedAnchor } from '@quire/shared/comments'

/** A thread's passage as the editor marks it. */
export interface MarkedThread {
  id: string
  anchor: EncodedAnchor
  resolved: boolean
}

type Mapping = Parameters<typeof relativePositionToAbsolutePosition>[3]

interface Binding {
  doc: Y.Doc
  type: Y.XmlFragment
  mapping: Mapping
}

const commentMarksKey = new PluginKey<DecorationSet>('quireCommentMarks')

function bindingOf(state: EditorState): Binding | undefined {
  const sync = ySyncPluginKey.getState(state) as { binding?: Binding } | undefined
  return sync?.binding ?? undefined
}

/** Where a thread's passage is in the editor now; undefined once it was deleted. */
export function passageRange(state: EditorState, anchor: EncodedAnchor): { from: number; to: number } | undefined {
  const binding = bindingOf(state)
  if (!binding) return undefined
  const position = (bytes: Uint8Array) => {
    try {
      return relativePositionToAbsolutePosition(binding.doc, binding.type, Y.decodeRelativePosition(bytes), binding.mapping)
    } catch {
      // Bytes another client wrote that are no position: nothing to mark.
      return null
    }
  }
  const from = position(anchor.start)
  const to = position(anchor.end)
  if (from === null || to === null || to <= from || to > state.doc.content.size) return undefined
  return { from, to }
}

/** The anchor and text of the passage from `from` to `to`, or undefined when it holds no text. */
export function anchorOfSelection(state: EditorState, from: number, to: number): { anchor: EncodedAnchor; quote: string } | undefined {
  const binding = bindingOf(state)
  const quote = state.doc.textBetween(from, to, '\n').trim()
  if (!binding || from >= to || quote === '') return undefined
  const yPosition = (pos: number) => {
    const absolute = Y.createAbsolutePositionFromRelativePosition(absolutePositionToRelativePosition(pos, binding.type, binding.mapping), binding.doc)
    return absolute && absolute.type instanceof Y.XmlText ? { type: absolute.type, index: absolute.index } : undefined
  }
  const start = yPosition(from)
  const end = yPosition(to)
  if (!start || !end) return undefined
  return { anchor: anchorAt(start, end), quote }
}

/**
 * The highlights of every thread's passage (resolved ones only while they are shown), each
 * with its thread's id. `threads` is read again whenever `refreshCommentMarks` is called: after
 * any change to the Y.Doc, once y-tiptap's mapping has followed it.
 */
export function commentMarks(threads: () => readonly MarkedThread[], active: () => string | undefined) {
  const build = (state: EditorState): DecorationSet => {
    const decorations: Decoration[] = []
    const current = active()
    for (const thread of threads()) {
      const range = passageRange(state, thread.anchor)
      if (!range) continue
      const classes = ['comment-mark', thread.resolved ? 'comment-mark--resolved' : '', thread.id === current ? 'comment-mark--active' : ''].filter(Boolean)
      decorations.push(Decoration.inline(range.from, range.to, { class: classes.join(' '), 'data-thread': thread.id }))
    }
    return DecorationSet.create(state.doc, decorations)
  }
  return Extension.create({
    name: 'quireCommentMarks',
    addProseMirrorPlugins() {
      return [
        new Plugin<DecorationSet>({
          key: commentMarksKey,
          state: {
            init: () => DecorationSet.empty,
            apply: (tr, marks, _old, state) => (tr.getMeta(commentMarksKey) ? build(state) : marks.map(tr.mapping, tr.doc)),
          },
          props: { decorations: (state) => commentMarksKey.getState(state) },
        }),
      ]
    },
  })
}

/** Marks the passages anew (the threads, the text or the thread in focus changed). */
export function refreshCommentMarks(editor: Editor): void {
  if (editor.isDestroyed) return
  editor.view.dispatch(editor.state.tr.setMeta(commentMarksKey, true).setMeta('addToHistory', false))
}
