/**
 * The document schema, as Tiptap extensions: the editor edits with them, the server exports
 * and imports with them, so both always agree on what a document may contain.
 */
import type { AnyExtension } from '@tiptap/core'
import { Link } from '@tiptap/extension-link'
import { TaskItem, TaskList } from '@tiptap/extension-list'
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table'
import StarterKit from '@tiptap/starter-kit'
import { DocImage } from './image-node.js'

export { IMAGE_WIDTH, MAX_ALT_LENGTH } from './image-node.js'

/** The only link targets a document keeps: no `javascript:`, no `data:`. */
export const LINK_PROTOCOLS = ['http:', 'https:', 'mailto:'] as const

export function isAllowedLink(href: unknown): href is string {
  if (typeof href !== 'string' || href.length > 2048) return false
  try {
    return (LINK_PROTOCOLS as readonly string[]).includes(new URL(href).protocol)
  } catch {
    return false
  }
}

/**
 * A link ends where its text ends: what is typed right after it is plain text, as in other
 * editors (Tiptap's link grows with the typing whenever autolink is on).
 */
const BoundedLink = Link.extend({ inclusive: () => false })

/** StarterKit (without its undo history: collaboration brings its own), task lists, tables and images. */
export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({ undoRedo: false, link: false }),
    BoundedLink.configure({
      openOnClick: false,
      autolink: true,
      defaultProtocol: 'https',
      isAllowedUri: (url) => isAllowedLink(url),
    }),
    TaskList,
    TaskItem.configure({ nested: true }),
    Table,
    TableRow,
    TableHeader,
    TableCell,
    DocImage,
  ]
}
