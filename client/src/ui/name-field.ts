import { MAX_NAME_LENGTH, safeName, type Identity } from '../collab/identity.js'
import { createColorPicker } from './color-picker.js'
import { h } from './dom.js'

export interface NameField {
  element: HTMLElement
  /** Shows a colour given to this person (to keep it apart from someone else's). */
  showColor(color: string): void
}

/**
 * "Your name" and "Your colour": how this person appears to the others, applied as it is
 * typed or picked, and remembered. A picked colour is the person's own from then on.
 */
export function createNameField(identity: Identity, usedColors: () => ReadonlySet<string>, onChange: (identity: Identity) => void): NameField {
  const input = h('input', {
    class: 'name-field__input',
    attrs: { id: 'display-name', type: 'text', maxlength: MAX_NAME_LENGTH, autocomplete: 'nickname', spellcheck: 'false' },
  })
  input.value = identity.name
  let current = identity
  input.addEventListener('input', () => {
    const name = safeName(input.value)
    if (!name || name === current.name) return
    current = { ...current, name }
    onChange(current)
  })
  // Left empty: show the name that still applies.
  input.addEventListener('change', () => {
    if (!safeName(input.value)) input.value = current.name
  })
  const picker = createColorPicker(identity.color, usedColors, (color) => {
    current = { ...current, color, colorChosen: true }
    onChange(current)
  })
  return {
    element: h(
      'div',
      { class: 'name-field' },
      h('label', { class: 'name-field__label', text: 'Your name', attrs: { for: 'display-name' } }),
      picker.element,
      input,
    ),
    showColor(color) {
      current = { ...current, color }
      picker.show(color)
    },
  }
}
