/** A run of a message's text: plain, or an `@name` mention. */
export interface TextPart {
  text: string
  mention: boolean
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Splits a message into plain text and `@name` mentions: the longest known name (people here,
 * authors of the thread) that follows an "@", else the word after it. Mentions only look
 * different: nobody is notified.
 */
export function mentionParts(text: string, names: Iterable<string> = []): TextPart[] {
  const known = [...new Set(names)].filter((name) => name.trim() !== '').sort((a, b) => b.length - a.length)
  const pattern = new RegExp(`@(?:${[...known.map(escape), '[\\p{L}\\p{N}_.-]+'].join('|')})`, 'gu')
  const parts: TextPart[] = []
  let at = 0
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0
    // An "@" inside a word (an e-mail address) mentions nobody.
    if (index > 0 && /[\p{L}\p{N}]/u.test(text[index - 1]!)) continue
    if (index > at) parts.push({ text: text.slice(at, index), mention: false })
    parts.push({ text: match[0], mention: true })
    at = index + match[0].length
  }
  if (at < text.length) parts.push({ text: text.slice(at), mention: false })
  return parts
}
