import { IDENTITY_COLORS, colorName } from '../collab/identity.js'
import { h } from './dom.js'

export interface ColorPicker {
  element: HTMLElement
  /** Shows another colour as this person's (picked here or given to avoid a clash). */
  show(color: string): void
}

/**
 * "Your colour": a swatch that opens a small popover of colours (radio buttons, so the arrow
 * keys move between them), the ones others here have marked as taken.
 */
export function createColorPicker(initial: string, usedByOthers: () => ReadonlySet<string>, onPick: (color: string) => void): ColorPicker {
  const trigger = h('button', { class: 'color-picker__trigger', attrs: { type: 'button', popovertarget: 'color-picker', 'aria-haspopup': 'true' } })
  const radios = IDENTITY_COLORS.map(({ value, name }) => {
    const input = h('input', { class: 'color-picker__radio', attrs: { type: 'radio', name: 'identity-color', value, id: `color-${value.slice(1)}` } })
    const swatch = h('span', { class: 'color-picker__swatch', attrs: { 'aria-hidden': 'true' } })
    swatch.style.backgroundColor = value
    const note = h('span', { class: 'color-picker__note' })
    const label = h('label', { class: 'color-picker__option', attrs: { for: input.id } }, input, swatch, h('span', { text: name }), note)
    return { input, note, label }
  })
  const popover = h(
    'div',
    { class: 'menu color-picker', attrs: { id: 'color-picker', popover: 'auto' } },
    h('fieldset', { class: 'color-picker__set' }, h('legend', { class: 'color-picker__legend', text: 'Your colour' }), ...radios.map(({ label }) => label)),
  )
  let current = initial
  /** Whether a colour was picked since the popover opened: Enter then only closes it. */
  let picked = false

  const show = (color: string) => {
    current = color
    trigger.style.backgroundColor = color
    trigger.setAttribute('aria-label', `Your colour: ${colorName(color)}`)
    for (const { input } of radios) input.checked = input.value === color
  }
  show(initial)

  popover.addEventListener('toggle', (event) => {
    const open = (event as ToggleEvent).newState === 'open'
    trigger.setAttribute('aria-expanded', String(open))
    if (!open) return
    picked = false
    const used = usedByOthers()
    for (const { input, note } of radios) note.textContent = used.has(input.value) && input.value !== current ? ' (someone here has it)' : ''
    const box = trigger.getBoundingClientRect()
    popover.style.top = `${box.bottom + 4}px`
    popover.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - popover.offsetWidth - 8))}px`
    ;(radios.find(({ input }) => input.checked)?.input ?? radios[0]?.input)?.focus()
  })
  popover.addEventListener('change', (event) => {
    const color = (event.target as HTMLInputElement).value
    show(color)
    picked = true
    onPick(color)
  })
  const close = () => {
    popover.hidePopover()
    trigger.focus()
  }
  // The arrow keys try colours on; Enter, or a colour picked with the pointer, closes.
  // The colour one already has, picked again, is a choice too, though no change event says so.
  popover.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return
    event.preventDefault()
    if (!picked) onPick(current)
    close()
  })
  popover.addEventListener('click', (event) => {
    const { target } = event
    // A click checks the radio before its listeners run and says "change" after them: `current` is still the old colour here.
    if (target instanceof HTMLInputElement && target.value === current) onPick(current)
    if (event.detail > 0 && (target as Element).closest('.color-picker__option')) setTimeout(close)
  })
  return { element: h('span', { class: 'color-picker__wrap' }, trigger, popover), show }
}
