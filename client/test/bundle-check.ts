import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * A string only Yjs's own module contains: the warning it prints when a second copy of Yjs is
 * loaded. Every bundled copy of Yjs carries it once.
 */
export const YJS_MARKER = 'Yjs was already imported'

async function* scriptFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* scriptFiles(path)
    else if (/\.m?js$/.test(entry.name)) yield path
  }
}

/** How many copies of Yjs a build holds, by file. */
export async function yjsCopies(dir: string): Promise<{ total: number; files: string[] }> {
  let total = 0
  const files: string[] = []
  for await (const file of scriptFiles(dir)) {
    const count = (await readFile(file, 'utf8')).split(YJS_MARKER).length - 1
    total += count
    for (let i = 0; i < count; i++) files.push(file)
  }
  return { total, files }
}

/** The scripts a page loads: each <script> with its src (undefined for an inline script) and type. */
export function pageScripts(html: string): { src: string | undefined; type: string | undefined }[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map(([, attrs = '']) => ({
    src: /\bsrc\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1],
    type: /\btype\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1],
  }))
}
