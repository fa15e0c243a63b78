import type { AnyExtension, JSONContent } from '@tiptap/core'

/** A document's files, by hash: what an export puts inline for its images. */
export type DocFiles = ReadonlyMap<string, { type: string; bytes: Uint8Array }>

export const NO_FILES: DocFiles = new Map()

function dataUri({ type, bytes }: { type: string; bytes: Uint8Array }): string {
  return `data:${type};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`
}

/**
 * Gives every image of rendered HTML its bytes as a `data:` address, so the file stands alone.
 * The schema writes `data-file` first, and only a hash the sanitizer let through.
 */
export function inlineImages(html: string, files: DocFiles): string {
  return html.replace(/<img data-file="([0-9a-f]{64})"/g, (found, hash: string) => {
    const file = files.get(hash)
    return file ? `<img src="${dataUri(file)}" data-file="${hash}"` : found
  })
}

/** An image in Markdown: its alt text and its bytes inline (Markdown has no other place for them). */
export function imagesInMarkdown(extensions: AnyExtension[], files: () => DocFiles): AnyExtension[] {
  return extensions.map((extension) =>
    extension.name === 'image'
      ? extension.extend({
          renderMarkdown: (node: JSONContent) => {
            const file = files().get(String(node.attrs?.file))
            const alt = String(node.attrs?.alt ?? '').replace(/[\\[\]]/g, '\\$&')
            return file ? `![${alt}](${dataUri(file)})` : alt
          },
        })
      : extension,
  )
}
