import type { CommentStatus, CommentThreadInfo, DiffBlock, ExportFormat } from '@quire/shared'
import { changeComments, listThreads, type CommentChange, type CommentOutcome } from '../comments/comment-changes.js'
import { markCommentedPassages, withCommentNotes, withThreads } from '../export/comment-notes.js'
import type { DocumentFormats, Exported, ImportFormat } from '../export/formats.js'
import type { DocFiles } from '../export/inline-images.js'
import { foldStored, initialState, readTitle, withDoc } from '../sync/doc-fields.js'
import { diffBlocks } from '../versions/diff.js'
import { restoreUpdates, type Restore } from '../versions/restore.js'

export interface ImportInput {
  content: string
  format: ImportFormat
  title: string
  maxDepth: number
}

/** How to render an export: with the comment threads as notes, and the files its images need. */
export interface RenderOptions {
  comments?: boolean
  files?: DocFiles
}

export interface Rendered {
  title: string
  /** Absent when no format was asked for: the title alone. */
  exported?: Exported
}

/**
 * The heavy work on documents, each a function of bytes in and bytes or text out, so it can
 * run on a worker thread (see DocumentWork) as well as in the operator's command.
 */
export function documentTasks(formats: DocumentFormats) {
  return {
    /** A new document's first state, from imported Markdown or HTML. */
    import({ content, format, title, maxDepth }: ImportInput): Uint8Array {
      const json = formats.parse(content, format, maxDepth)
      return initialState(title, (doc) => formats.fill(doc, json))
    },

    /**
     * A state's title, and its content in `format` if one is asked for, with `files` for its
     * images: with its comment threads as notes when `comments` is set (not in a Word file), and
     * always beside the content in JSON.
     */
    async render({ state, format, comments = false, files }: { state: Uint8Array; format?: ExportFormat } & RenderOptions): Promise<Rendered> {
      const { title, exporting } = withDoc(state, (doc) => {
        const title = readTitle(doc)
        if (format === undefined) return { title, exporting: undefined }
        if (format === 'docx') return { title, exporting: formats.exportAny(doc, format, title, files) }
        if (format === 'json') {
          const exported = formats.export(doc, format, title, files)
          return { title, exporting: { ...exported, body: withThreads(exported.body, doc) } }
        }
        const notes = comments ? markCommentedPassages(doc) : []
        const exported = formats.export(doc, format, title, files)
        return { title, exporting: { ...exported, body: withCommentNotes(format, exported.body, notes) } }
      })
      return exporting === undefined ? { title } : { title, exported: await exporting }
    },

    /** What changed from one state to another, block by block and word by word. */
    diff({ before, after }: { before: Uint8Array; after: Uint8Array }): DiffBlock[] {
      const then = withDoc(before, (doc) => formats.textBlocks(doc))
      const now = withDoc(after, (doc) => formats.textBlocks(doc))
      return diffBlocks(then, now)
    },

    /** The forward changes that give `current` the content and title of `version`. */
    restore({ current, version }: { current: Uint8Array; version: Uint8Array }): Restore {
      return withDoc(current, (doc) => restoreUpdates(doc, version))
    },

    /** The threads of a state. */
    comments({ state, status }: { state: Uint8Array; status: CommentStatus }): CommentThreadInfo[] {
      return listThreads(state, status)
    },

    /** The update that makes a change to the comments of `state`, or why it cannot be made. */
    commentChange({ state, change }: { state: Uint8Array; change: CommentChange }): CommentOutcome {
      return changeComments(state, change)
    },

    fold: foldStored,
  }
}

export type DocumentTasks = ReturnType<typeof documentTasks>
