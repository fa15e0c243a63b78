import { Editor, Extension, type AnyExtension, type Node, type NodeViewRendererProps } from '@tiptap/core'
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
import { IMAGE_TYPES, type DocFiles } from './doc-files.js'
import { imageView } from './image-view.js'

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
  /** The document's images: shown from here, and where new ones go. */
  files: DocFiles
}

/**
 * The document's schema exactly as the server knows it (the shared extensions: a client with
 * a narrower schema would drop what it cannot show), with this page's behaviour on top.
 */
function schemaExtensions(files: DocFiles): AnyExtension[] {
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
      case 'image':
        return (extension as Node).extend({
          addNodeView:
            () =>
            ({ node, editor, getPos }: NodeViewRendererProps) =>
              imageView(node, editor, getPos, files),
        })
      default:
        return extension
    }
  })
}

/** Puts images (picked, pasted or dropped) into the document at `at` (or the selection), each once its hash is known. */
export function insertImages(editor: Editor, files: DocFiles, images: readonly File[], onError: (message: string) => void, at?: number): void {
  for (const image of images) {
    files.add(image).then(
      (hash) => {
        const content = { type: 'image', attrs: { file: hash, alt: '' } }
        if (at === undefined) editor.chain().focus().insertContent(content).run()
        else editor.chain().focus().insertContentAt(at, content).run()
      },
      (error: unknown) => onError(error instanceof Error ? error.message : 'The image could not be added.'),
    )
  }
}

const imagesOf = (list: FileList | null | undefined) => [...(list ?? [])].filter((file) => IMAGE_TYPES.includes(file.type))

/**
 * The Tiptap editor bound to the shared document: the collaboration extension's undo (which
 * only undoes this person's changes, a word or a line break at a time) instead of
 * StarterKit's history, everyone's carets, and links that open with Ctrl/⌘+click.
 */
export function createEditor({
  element,
  doc,
  provider,
  user,
  editable,
  onEditLink,
  extensions = [],
  files,
  onError,
}: EditorSetup & { onError: (message: string) => void }): Editor {
  const editor: Editor = new Editor({
    element,
    editable,
    // Our stylesheet carries ProseMirror's few rules; nothing is injected at run time.
    injectCSS: false,
    extensions: [
      ...schemaExtensions(files),
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
      // Images pasted or dropped from outside become the document's own images.
      handlePaste: (_view, event) => {
        const images = imagesOf(event.clipboardData?.files)
        if (images.length === 0 || !editable) return false
        insertImages(editor, files, images, onError)
        return true
      },
      handleDrop: (view, event, _slice, moved) => {
        const images = imagesOf(event.dataTransfer?.files)
        if (moved || images.length === 0 || !editable) return false
        event.preventDefault()
        insertImages(editor, files, images, onError, view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos)
        return true
      },
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
  return editor
}
