/** What `h` accepts as children: elements, or text that is always set as text, never as HTML. */
export type Child = Node | string | null | undefined | false

export interface Props {
  class?: string
  text?: string
  /** Attributes, set with setAttribute; `false` or `undefined` leaves one out. */
  attrs?: Record<string, string | number | boolean | undefined>
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void }
}

/**
 * Builds an element. Strings become text nodes: names, titles and anything else that came
 * from another person are never parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  if (props.class) element.className = props.class
  if (props.text !== undefined) element.textContent = props.text
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === false || value === undefined) continue
    element.setAttribute(name, value === true ? '' : String(value))
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) {
    element.addEventListener(type, listener as EventListener)
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    element.append(child)
  }
  return element
}
