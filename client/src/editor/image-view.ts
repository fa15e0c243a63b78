import type { Editor } from '@tiptap/core'
import type { Node as PMNode } from '@tiptap/pm/model'
import type { NodeView } from '@tiptap/pm/view'
import { IMAGE_WIDTH } from '@quire/shared/schema'
import { h } from '../ui/dom.js'
import type { DocFiles } from './doc-files.js'

/**
 * How an image of the document shows in the editor: the picture (from DocFiles, never from an
 * address in the document), how far its upload has got, and for editors, its alt text and
 * width, changed in place like any other edit.
 */
export function imageView(node: PMNode, editor: Editor, getPos: () => number | undefined, files: DocFiles): NodeView {
  let current = node
  const img = h('img', { class: 'doc-image__img', attrs: { alt: String(node.attrs.alt ?? ''), draggable: 'false' } })
  const status = h('p', { class: 'doc-image__status', attrs: { role: 'status' } })
  const progress = h('progress', { class: 'doc-image__progress', attrs: { max: 1, 'aria-label': 'Uploading the image' } })
  progress.hidden = true
  const dom = h('figure', { class: 'doc-image', attrs: { 'data-file': String(node.attrs.file ?? '') } }, img, progress, status)

  const setAttribute = (name: string, value: unknown) => {
    const pos = getPos()
    if (pos === undefined) return
    editor.commands.command(({ tr }) => {
      tr.setNodeAttribute(pos, name, value)
      return true
    })
  }
  const alt = h('input', {
    class: 'doc-image__alt',
    attrs: { type: 'text', 'aria-label': 'Alt text', placeholder: 'Alt text: what the image shows', maxlength: 1000 },
    on: { change: () => setAttribute('alt', alt.value) },
  })
  const width = h('input', {
    class: 'doc-image__width',
    attrs: { type: 'range', 'aria-label': 'Width', min: IMAGE_WIDTH.min, max: 1200, step: 8 },
    on: { change: () => setAttribute('width', Number(width.value)) },
  })
  const controls = h(
    'div',
    { class: 'doc-image__controls', attrs: { contenteditable: 'false' } },
    h('label', { class: 'doc-image__label' }, 'Alt text ', alt),
    h('label', { class: 'doc-image__label' }, 'Width ', width),
  )
  if (editor.isEditable) dom.append(controls)

  const show = (next: PMNode) => {
    img.alt = String(next.attrs.alt ?? '')
    img.style.width = next.attrs.width ? `${Number(next.attrs.width)}px` : ''
    if (document.activeElement !== alt) alt.value = String(next.attrs.alt ?? '')
    width.value = String(next.attrs.width ?? Math.min(img.naturalWidth || 600, 1200))
  }
  show(node)

  const hash = String(node.attrs.file ?? '')
  status.textContent = 'Loading the image…'
  files.url(hash).then(
    (url) => {
      img.src = url
      status.textContent = ''
    },
    () => (status.textContent = 'The image could not be loaded.'),
  )
  const unwatch = files.watch(hash, ({ progress: sent, error }) => {
    progress.hidden = sent === undefined
    if (sent !== undefined) progress.value = sent
    if (error) status.textContent = `Not uploaded: ${error}`
  })

  return {
    dom,
    update: (next) => {
      if (next.type !== current.type || next.attrs.file !== current.attrs.file) return false
      current = next
      show(next)
      return true
    },
    // The inputs are the image's own: typing in them is not typing in the document.
    stopEvent: (event) => controls.contains(event.target as Node),
    ignoreMutation: () => true,
    selectNode: () => dom.classList.add('doc-image--selected'),
    deselectNode: () => dom.classList.remove('doc-image--selected'),
    destroy: unwatch,
  }
}
