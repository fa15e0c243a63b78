import { Editor, Extension } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import { TaskItem, TaskList } from '@tiptap/extension-list'
import { Placeholder } from '@tiptap/extensions'
import StarterKit from '@tiptap/starter-kit'
import type * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { CONTENT_FIELD } from '@quire/shared'
import type { Identity } from '../collab/identity.js'
import { isAllowedHref } from './link-policy.js'

export interface EditorSetup {
  element: HTMLElement
  doc: Y.Doc
  provider: WebsocketProvider
  user: Identity
  editable: boolean
  /** Mod-K: edit the link at the selection. */
  onEditLink: () => void
}

/**
 * The Tiptap editor bound to the shared document: StarterKit without its own history (the
 * collaboration extension's undo only undoes this person's changes), task lists, and the
 * carets of everyone else. No trailing-node plugin: each client would add its own paragraph.
 */
export function createEditor({ element, doc, provider, user, editable, onEditLink }: EditorSetup): Editor {
  return new Editor({
    element,
    editable,
    // Our stylesheet carries ProseMirror's few rules; nothing is injected at run time.
    injectCSS: false,
    extensions: [
      StarterKit.configure({
        undoRedo: false,
        trailingNode: false,
        // Not in the export formats: a mark others could not download would surprise.
        underline: false,
        heading: { levels: [1, 2, 3] },
        link: {
          openOnClick: false,
          autolink: true,
          defaultProtocol: 'https',
          isAllowedUri: (url) => isAllowedHref(url),
          HTMLAttributes: { target: '_blank', rel: 'noopener noreferrer nofollow' },
        },
      }),
      TaskList,
      TaskItem.configure({
        nested: true,
        a11y: { checkboxLabel: (node, checked) => `${checked ? 'Done' : 'To do'}: ${node.textContent || 'empty task'}` },
      }),
      Placeholder.configure({ placeholder: editable ? 'Start writing…' : '' }),
      Collaboration.configure({ document: doc, field: CONTENT_FIELD }),
      CollaborationCaret.configure({ provider, user }),
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
