import { Node } from '@tiptap/core'

/** Widths an image may be shown at, in CSS pixels (none: as wide as it is, up to the text's width). */
export const IMAGE_WIDTH = { min: 32, max: 2000 } as const
export const MAX_ALT_LENGTH = 1000

function widthOf(value: string | null): number | null {
  const width = Number(value)
  return Number.isInteger(width) && width >= IMAGE_WIDTH.min && width <= IMAGE_WIDTH.max ? width : null
}

/**
 * An image of the document: only the sha256 of a file the server keeps for this document
 * (`file`), with its alt text and an optional width. Never an address or a key: the editor
 * fetches the file with its own key, and exports put the bytes inline.
 */
export const DocImage = Node.create({
  name: 'image',
  group: 'block',
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      file: { default: null, parseHTML: (element) => element.getAttribute('data-file'), renderHTML: ({ file }) => (file ? { 'data-file': file } : {}) },
      alt: { default: '', parseHTML: (element) => (element.getAttribute('alt') ?? '').slice(0, MAX_ALT_LENGTH), renderHTML: ({ alt }) => ({ alt: alt ?? '' }) },
      width: { default: null, parseHTML: (element) => widthOf(element.getAttribute('width')), renderHTML: ({ width }) => (width ? { width } : {}) },
    }
  },

  // Only images of this document: an <img> with an address from elsewhere is never fetched.
  parseHTML: () => [{ tag: 'img[data-file]' }],
  renderHTML: ({ HTMLAttributes }) => ['img', HTMLAttributes],
})
