import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * The text LibreOffice reads from a Word file (Debian's `libreoffice --headless`, as a person
 * opening the download would): the check that the file opens cleanly and says what it should.
 * Each call has a profile of its own, so conversions running at once do not meet.
 */
export async function docxText(docx: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'quire-docx-'))
  try {
    await writeFile(join(dir, 'document.docx'), docx)
    const profile = pathToFileURL(join(dir, 'profile')).href
    await run(
      'libreoffice',
      [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'txt:Text (encoded):UTF8', '--outdir', dir, join(dir, 'document.docx')],
      {
        timeout: 120_000,
      },
    )
    return (await readFile(join(dir, 'document.txt'), 'utf8')).replace(/^\uFEFF/, '')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
