import { flattenExtensions, getExtensionField, type AnyExtension, type MarkdownTokenizer } from '@tiptap/core'
import { MarkdownManager } from '@tiptap/markdown'

/** A line that may start a list item of any kind (a superset of what the list tokenizers take). */
const LIST_ITEM = /^\s*(?:[0-9A-Za-z]+[.)]|[-+*])\s/

/**
 * The start of `src` that a block tokenizer of a list can consume: up to a blank line followed
 * by an unindented line that starts no list item. Both list tokenizers stop there or sooner.
 */
export function listRegion(src: string): string {
  let position = 0
  let afterBlank = false
  while (position < src.length) {
    const newline = src.indexOf('\n', position)
    const end = newline === -1 ? src.length : newline
    const line = src.slice(position, end)
    if (line.trim() === '') {
      afterBlank = true
    } else {
      if (afterBlank && !/^\s/.test(line) && !LIST_ITEM.test(line)) return src.slice(0, position)
      afterBlank = false
    }
    position = end + 1
  }
  return src
}

/**
 * Tiptap's Markdown parser, with its block tokenizers shown only the region they can consume.
 * The list tokenizers split the whole rest of the document into lines wherever a block may
 * start, so a plain document of 10 000 paragraphs took 30 s; within the region, the work per
 * block is the block's own.
 */
export function boundedMarkdown(extensions: AnyExtension[]): MarkdownManager {
  // Flattened, without the kits themselves (StarterKit): the manager would flatten a kit again,
  // and register the tokenizers of its originals too.
  const leaves = flattenExtensions(extensions).filter((extension) => extension.type !== 'extension' || !getExtensionField(extension, 'addExtensions'))
  const bounded = leaves.map((extension) => {
    const tokenizer = getExtensionField<MarkdownTokenizer | undefined>(extension, 'markdownTokenizer')
    if (tokenizer?.level !== 'block') return extension
    const { tokenize } = tokenizer
    const markdownTokenizer: MarkdownTokenizer = { ...tokenizer, tokenize: (src, tokens, lexer) => tokenize(listRegion(src), tokens, lexer) }
    return extension.extend({ markdownTokenizer })
  })
  return new MarkdownManager({ extensions: bounded })
}
