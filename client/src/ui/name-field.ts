import { MAX_NAME_LENGTH, safeName, type Identity } from '../collab/identity.js'
import { h } from './dom.js'

/** "You appear as …": the display name, applied as it is typed and remembered on change. */
export function createNameField(identity: Identity, onChange: (identity: Identity) => void): HTMLElement {
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
  const swatch = h('span', { class: 'name-field__swatch', attrs: { 'aria-hidden': 'true' } })
  swatch.style.backgroundColor = identity.color
  return h('div', { class: 'name-field' }, h('label', { class: 'name-field__label', text: 'Your name', attrs: { for: 'display-name' } }), swatch, input)
}
