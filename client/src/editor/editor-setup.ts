import { Editor, Extension, type AnyExtension } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import { Placeholder } from '@tiptap/extensions'
import type * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { CONTENT_FIELD } from '@quire/shared'
import { documentExtensions } from '@quire/shared/schema'
import type { Identity } from '../collab/identity.js'
import { LinkOpening } from './link-bubble.js'
import { UndoSteps } from './undo-steps.js'

export interface EditorSetup {
  element: HTMLElement
  doc: Y.Doc
  provider: WebsocketProvider
  user: Identity
  editable: boolean
  /** Mod-K: edit the link at the selection. */
  onEditLink: () => void
  /** What the page adds (the comments' highlights). */
  extensions?: AnyExtension[]
}

/**
 * The document's schema exactly as the server knows it (the shared extensions: a client with
 * a narrower schema would drop what it cannot show), with this page's behaviour on top.
 */
function schemaExtensions(): AnyExtension[] {
  return documentExtensions().map((extension) => {
    switch (extension.name) {
      case 'starterKit':
        // No trailing-node plugin: every client would append its own empty paragraph.
        return extension.configure({ trailingNode: false })
      case 'link':
        return extension.configure({ HTMLAttributes: { target: '_blank', rel: 'noopener noreferrer nofollow' } })
      case 'taskItem':
        return extension.configure({
          a11y: { checkboxLabel: (node: { textContent: string }, checked: boolean) => `${checked ? 'Done' : 'To do'}: ${node.textContent || 'empty task'}` },
        })
      default:
        return extension
    }
  })
}

/**
 * The Tiptap editor bound to the shared document: the collaboration extension's undo (which
 * only undoes this person's changes, a word or a line break at a time) instead of
 * StarterKit's history, everyone's carets, and links that open with Ctrl/⌘+click.
 */
export function createEditor({ element, doc, provider, user, editable, onEditLink, extensions = [] }: EditorSetup): Editor {
  return new Editor({
    element,
    editable,
    // Our stylesheet carries ProseMirror's few rules; nothing is injected at run time.
    injectCSS: false,
    extensions: [
      ...schemaExtensions(),
      Placeholder.configure({ placeholder: editable ? 'Start writing…' : '' }),
      Collaboration.configure({ document: doc, field: CONTENT_FIELD }),
      CollaborationCaret.configure({ provider, user }),
      UndoSteps,
      LinkOpening,
      ...extensions,
      Extension.create({
        name: 'quireShortcuts',
        addKeyboardShortcuts: () => ({
          'Mod-k': () => {
            onEditLink()
            return true
          },
        }),
      }),
    ],
    editorProps: {
      attributes: {
        id: 'doc-body',
        class: 'doc-body',
        'aria-label': 'Document text',
        'aria-multiline': 'true',
        role: 'textbox',
        ...(editable ? {} : { 'aria-readonly': 'true' }),
        spellcheck: 'true',
      },
    },
  })
}
