import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * The text LibreOffice reads from a Word file (Debian's `libreoffice --headless`, as a person
 * opening the download would): the check that the file opens cleanly and says what it should.
 */
export async function docxText(docx: Uint8Array): Promise<string> {
  return (await convertDocx(docx, 'txt:Text (encoded):UTF8', 'txt')).output.replace(/^\uFEFF/, '')
}

/** The Word file as LibreOffice writes it out as HTML, with the names of the image files it wrote beside it. */
export function docxHtml(docx: Uint8Array): Promise<{ output: string; files: string[] }> {
  return convertDocx(docx, 'html', 'html')
}

/** Each conversion has a profile of its own, so conversions running at once do not meet. */
async function convertDocx(docx: Uint8Array, target: string, extension: string): Promise<{ output: string; files: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'quire-docx-'))
  try {
    await writeFile(join(dir, 'document.docx'), docx)
    const profile = pathToFileURL(join(dir, 'profile')).href
    await run('libreoffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', target, '--outdir', dir, join(dir, 'document.docx')], {
      timeout: 120_000,
    })
    const files = (await readdir(dir)).filter((name) => !['document.docx', `document.${extension}`, 'profile'].includes(name))
    return { output: await readFile(join(dir, `document.${extension}`), 'utf8'), files }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
