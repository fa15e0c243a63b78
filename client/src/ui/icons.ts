const SVG_NS = 'http://www.w3.org/2000/svg'

/** Stroke drawings on a 20×20 grid: one or more path data strings per icon. */
const ICONS = {
  link: ['M8.5 11.5l3-3', 'M9.5 5.5l1.2-1.2a3.2 3.2 0 0 1 4.5 4.5L14 10', 'M6 10l-1.2 1.2a3.2 3.2 0 0 0 4.5 4.5l1.2-1.2'],
  bulletList: ['M8 5h9', 'M8 10h9', 'M8 15h9', 'M3.5 5h.01', 'M3.5 10h.01', 'M3.5 15h.01'],
  orderedList: ['M8 5h9', 'M8 10h9', 'M8 15h9', 'M3 3.5l1.2-.5v4', 'M2.8 12.2a1.2 1.2 0 0 1 2.2.6c0 .9-2.2 1.8-2.2 3h2.3'],
  taskList: ['M9 6h8', 'M9 14h8', 'M3 4h3.5v3.5H3z', 'M3 12.5l1.5 1.5 2.5-3'],
  blockquote: ['M4 5v10', 'M8 6h9', 'M8 10h9', 'M8 14h6'],
  codeBlock: ['M3 3.5h14v13H3z', 'M7.5 8l-2 2 2 2', 'M12.5 8l2 2-2 2'],
  horizontalRule: ['M3 10h14', 'M6 5.5h8', 'M6 14.5h8'],
  table: ['M3 4h14v12H3z', 'M3 8h14', 'M3 12h14', 'M10 4v12'],
  tableOptions: ['M3 4h14v12H3z', 'M3 8h14', 'M8 8v8', 'M11 12h4', 'M13 10v4'],
  image: ['M3 4h14v12H3z', 'M3 13l4-4 3 3 2-2 5 5', 'M12.5 7.5h.01'],
  undo: ['M7 4.5L3.5 8 7 11.5', 'M4 8h7.5a4.5 4.5 0 0 1 0 9H8'],
  redo: ['M13 4.5L16.5 8 13 11.5', 'M16 8H8.5a4.5 4.5 0 0 0 0 9H12'],
  share: ['M10 3v9', 'M6.5 6.5L10 3l3.5 3.5', 'M4 10v6h12v-6'],
  download: ['M10 3v9', 'M6.5 8.5L10 12l3.5-3.5', 'M4 16h12'],
  comment: ['M3.5 4.5h13v9h-7l-4 3v-3h-2z', 'M7 8h6', 'M7 10.5h4'],
  history: ['M3.5 10a6.5 6.5 0 1 0 1.9-4.6', 'M3.2 3.2v3h3', 'M10 6.5V10l2.5 1.5'],
} as const

export type IconName = keyof typeof ICONS

/** A decorative icon: hidden from assistive technology, its button carries the label. */
export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg')
  svg.setAttribute('viewBox', '0 0 20 20')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('focusable', 'false')
  svg.classList.add('icon')
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, 'path')
    path.setAttribute('d', d)
    svg.append(path)
  }
  return svg
}
