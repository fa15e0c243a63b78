/**
 * Where a comment points in the text. An anchor is a pair of Yjs relative positions into the
 * editor's fragment: the first character of the passage and its last one, so that the range
 * follows every edit around and inside it, and collapses (deleted text) when its characters go.
 *
 * Offsets here count in the document's plain text: the text of every Y.XmlText in document
 * order, one "\n" between two of them. The server finds a quoted passage in it; exports and the
 * API show what an anchor covers with it.
 */
import * as Y from 'yjs'
import { CONTENT_FIELD } from './protocol.js'

/** The types of the editor's fragment an anchor may point into. */
type XmlType = Y.XmlText | Y.XmlElement | Y.XmlFragment

/** One Y.XmlText and where its characters start in the plain text. */
export interface TextRun {
  text: Y.XmlText
  start: number
  length: number
}

/** A range of the plain text: `from` inclusive, `to` exclusive. */
export interface TextRange {
  from: number
  to: number
}

/** An anchor as stored: two encoded relative positions. */
export interface EncodedAnchor {
  start: Uint8Array
  end: Uint8Array
}

/**
 * The plain text of a fragment as it is now, and the anchors in it. Made for one read (a list
 * of threads, an export, a new anchor) and dropped: it does not follow later edits.
 */
export class DocText {
  readonly runs: readonly TextRun[]
  readonly #byText = new Map<Y.XmlText, TextRun>()
  #plain: string | undefined

  constructor(fragment: Y.XmlFragment) {
    const runs: TextRun[] = []
    let offset = 0
    const visit = (node: Y.XmlElement | Y.XmlFragment) => {
      for (const child of node.toArray()) {
        if (child instanceof Y.XmlText) {
          if (runs.length > 0) offset += 1
          const run = { text: child, start: offset, length: child.length }
          runs.push(run)
          this.#byText.set(child, run)
          offset += run.length
        } else if (child instanceof Y.XmlElement) visit(child)
      }
    }
    visit(fragment)
    this.runs = runs
  }

  /** The whole plain text (an embed counts as one character). */
  get plain(): string {
    this.#plain ??= this.runs.map(runText).join('\n')
    return this.#plain
  }

  slice({ from, to }: TextRange): string {
    return this.plain.slice(from, to)
  }

  /** Where the `occurrence`-th (from 1) copy of `quote` is, if there is one. */
  find(quote: string, occurrence = 1): TextRange | undefined {
    if (quote === '' || occurrence < 1) return undefined
    let at = -1
    for (let seen = 0; seen < occurrence; seen++) {
      at = this.plain.indexOf(quote, at + 1)
      if (at < 0) return undefined
    }
    return { from: at, to: at + quote.length }
  }

  /**
   * The anchor of a non-empty range: the start sticks to its first character, the end to its
   * last, so text typed just outside the passage stays outside. Undefined when an end falls on
   * no character (a "\n" between runs, or past the end).
   */
  anchorOf(range: TextRange): EncodedAnchor | undefined {
    if (range.to <= range.from) return undefined
    const first = this.#runAt(range.from)
    const last = this.#runAt(range.to - 1)
    if (!first || !last) return undefined
    return anchorAt({ type: first.run.text, index: first.index }, { type: last.run.text, index: last.index + 1 })
  }

  /**
   * What an anchor covers now, or undefined when its passage was deleted (its characters, or
   * the blocks that held them). Stored bytes are read defensively: anything else also means deleted.
   */
  resolve(doc: Y.Doc, anchor: EncodedAnchor): TextRange | undefined {
    const from = this.#offsetOf(doc, anchor.start)
    const to = this.#offsetOf(doc, anchor.end)
    if (from === undefined || to === undefined || to <= from) return undefined
    return { from, to }
  }

  /** The Y.XmlText holding the character at `offset`, and the index of that character in it. */
  locate(offset: number): { text: Y.XmlText; index: number } | undefined {
    const found = this.#runAt(offset)
    return found && { text: found.run.text, index: found.index }
  }

  /** The run holding the character at `offset`, and the offset inside it. */
  #runAt(offset: number): { run: TextRun; index: number } | undefined {
    let low = 0
    let high = this.runs.length - 1
    while (low <= high) {
      const middle = (low + high) >> 1
      const run = this.runs[middle]!
      if (offset < run.start) high = middle - 1
      else if (offset >= run.start + run.length) low = middle + 1
      else return { run, index: offset - run.start }
    }
    return undefined
  }

  /** The offset a relative position stands for now, if its text is still there. */
  #offsetOf(doc: Y.Doc, encoded: Uint8Array): number | undefined {
    let absolute: Y.AbsolutePosition | null
    try {
      absolute = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(encoded), doc)
    } catch {
      // Bytes that are no relative position: the anchor points nowhere.
      return undefined
    }
    if (!absolute || !(absolute.type instanceof Y.XmlText) || !isAttached(absolute.type)) return undefined
    const run = this.#byText.get(absolute.type)
    return run ? run.start + Math.min(absolute.index, run.length) : undefined
  }
}

/** The plain text of a run: an embed counts as one character. */
function runText(run: TextRun): string {
  const delta = run.text.toDelta() as { insert: unknown }[]
  return delta.map(({ insert }) => (typeof insert === 'string' ? insert : '\ufffc')).join('')
}

/** The anchor from one position to another, each a Y type and an index in it (as an editor maps its selection). */
export function anchorAt(start: { type: XmlType; index: number }, end: { type: XmlType; index: number }): EncodedAnchor {
  return {
    start: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(start.type, start.index, 0)),
    end: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(end.type, end.index, -1)),
  }
}

/** Whether `type` is still in the document: neither it nor any parent deleted. */
function isAttached(type: { _item: Y.Item | null }): boolean {
  for (let item = type._item; item !== null; item = (item.parent as { _item: Y.Item | null })._item) if (item.deleted) return false
  return true
}

/** The editor's fragment of `doc`. */
export function contentOf(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(CONTENT_FIELD)
}
