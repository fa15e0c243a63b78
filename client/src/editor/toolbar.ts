import type { Editor } from '@tiptap/core'
import { h } from '../ui/dom.js'
import { icon, type IconName } from '../ui/icons.js'

interface Action {
  /** The button's name; it holds the text on the button, so "click H1" works for voice control. */
  label: string
  /** Text shown on the button when there is no icon (B, I, H1…). */
  glyph?: string
  /** The modifier class of a glyph button, for its look. */
  look?: string
  icon?: IconName
  /** Keys as written in the tooltip, with Mod for Ctrl or ⌘. */
  shortcut?: string
  /** For a button that opens a menu. */
  menu?: boolean
  run(editor: Editor, button: HTMLButtonElement): void
  active?(editor: Editor): boolean
  enabled?(editor: Editor): boolean
}

function actions(onEditLink: () => void, onPickImage: () => void): Action[][] {
  return [
    [
      { label: 'Bold', glyph: 'B', look: 'bold', shortcut: 'Mod-B', run: (e) => e.chain().focus().toggleBold().run(), active: (e) => e.isActive('bold') },
      {
        label: 'Italic',
        glyph: 'I',
        look: 'italic',
        shortcut: 'Mod-I',
        run: (e) => e.chain().focus().toggleItalic().run(),
        active: (e) => e.isActive('italic'),
      },
      {
        label: 'Underline',
        glyph: 'U',
        look: 'underline',
        shortcut: 'Mod-U',
        run: (e) => e.chain().focus().toggleUnderline().run(),
        active: (e) => e.isActive('underline'),
      },
      {
        label: 'Strikethrough',
        glyph: 'S',
        look: 'strikethrough',
        shortcut: 'Mod-Shift-S',
        run: (e) => e.chain().focus().toggleStrike().run(),
        active: (e) => e.isActive('strike'),
      },
      {
        label: 'Inline code',
        glyph: '</>',
        look: 'inline-code',
        shortcut: 'Mod-E',
        run: (e) => e.chain().focus().toggleCode().run(),
        active: (e) => e.isActive('code'),
      },
      { label: 'Link', icon: 'link', shortcut: 'Mod-K', run: () => onEditLink(), active: (e) => e.isActive('link') },
    ],
    [1, 2, 3].map((level) => ({
      label: `H${level}, heading ${level}`,
      glyph: `H${level}`,
      look: 'heading',
      shortcut: `Mod-Alt-${level}`,
      run: (e: Editor) =>
        e
          .chain()
          .focus()
          .toggleHeading({ level: level as 1 | 2 | 3 })
          .run(),
      active: (e: Editor) => e.isActive('heading', { level }),
    })),
    [
      {
        label: 'Bulleted list',
        icon: 'bulletList',
        shortcut: 'Mod-Shift-8',
        run: (e) => e.chain().focus().toggleBulletList().run(),
        active: (e) => e.isActive('bulletList'),
      },
      {
        label: 'Numbered list',
        icon: 'orderedList',
        shortcut: 'Mod-Shift-7',
        run: (e) => e.chain().focus().toggleOrderedList().run(),
        active: (e) => e.isActive('orderedList'),
      },
      {
        label: 'Task list',
        icon: 'taskList',
        shortcut: 'Mod-Shift-9',
        run: (e) => e.chain().focus().toggleTaskList().run(),
        active: (e) => e.isActive('taskList'),
      },
      {
        label: 'Quote',
        icon: 'blockquote',
        shortcut: 'Mod-Shift-B',
        run: (e) => e.chain().focus().toggleBlockquote().run(),
        active: (e) => e.isActive('blockquote'),
      },
      {
        label: 'Code block',
        icon: 'codeBlock',
        shortcut: 'Mod-Alt-C',
        run: (e) => e.chain().focus().toggleCodeBlock().run(),
        active: (e) => e.isActive('codeBlock'),
      },
      { label: 'Divider', icon: 'horizontalRule', run: (e) => e.chain().focus().setHorizontalRule().run() },
    ],
    [
      {
        label: 'Insert table',
        icon: 'table',
        run: (e) => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
        enabled: (e) => e.can().insertTable(),
      },
      { label: 'Table options', icon: 'tableOptions', menu: true, run: openTableMenu, enabled: (e) => e.isActive('table') },
      { label: 'Insert image', icon: 'image', run: () => onPickImage() },
    ],
    [
      { label: 'Undo', icon: 'undo', shortcut: 'Mod-Z', run: (e) => e.chain().focus().undo().run(), enabled: (e) => e.can().undo() },
      { label: 'Redo', icon: 'redo', shortcut: 'Mod-Shift-Z', run: (e) => e.chain().focus().redo().run(), enabled: (e) => e.can().redo() },
    ],
  ]
}

const tableMenus = new WeakMap<HTMLElement, Promise<{ open(): void }>>()

/** The table menu's code loads on its first opening (see table-menu.ts). */
function openTableMenu(editor: Editor, button: HTMLButtonElement): void {
  let menu = tableMenus.get(button)
  if (!menu) {
    menu = import('./table-menu.js').then(({ createTableMenu }) => createTableMenu(editor, button))
    tableMenus.set(button, menu)
  }
  void menu.then((loaded) => loaded.open())
}

function shortcutText(shortcut: string): string {
  const mac = /Mac|iPhone|iPad/.test(navigator.userAgent)
  return shortcut
    .split('-')
    .map((key) => (key === 'Mod' ? (mac ? '⌘' : 'Ctrl') : key === 'Alt' && mac ? '⌥' : key === 'Shift' && mac ? '⇧' : key))
    .join(mac ? '' : '+')
}

/**
 * The formatting toolbar: one tab stop, arrow keys move between its buttons (the ARIA
 * toolbar pattern), and each button says whether its format is on.
 */
export function createToolbar(editor: Editor, onEditLink: () => void, onPickImage: () => void): HTMLElement {
  const buttons: { button: HTMLButtonElement; action: Action }[] = []
  const toolbar = h('div', { class: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Formatting', 'aria-controls': 'doc-body' } })
  for (const group of actions(onEditLink, onPickImage)) {
    const groupElement = h('div', { class: 'toolbar__group', attrs: { role: 'group' } })
    for (const action of group) {
      const hint = action.shortcut ? `${action.label} (${shortcutText(action.shortcut)})` : action.label
      const button = h(
        'button',
        {
          class: `toolbar__button${action.look ? ` toolbar__button--${action.look}` : ''}`,
          attrs: {
            type: 'button',
            'aria-label': action.label,
            title: hint,
            tabindex: buttons.length === 0 ? 0 : -1,
            'aria-haspopup': action.menu ? 'menu' : undefined,
            'aria-expanded': action.menu ? 'false' : undefined,
          },
          on: { click: () => (action.enabled?.(editor) ?? true) && action.run(editor, button) },
        },
        action.icon ? icon(action.icon) : h('span', { text: action.glyph ?? '', attrs: { 'aria-hidden': 'true' } }),
      )
      // Keep the editor's selection when a button is pressed with the mouse.
      button.addEventListener('mousedown', (event) => event.preventDefault())
      if (action.active) button.setAttribute('aria-pressed', 'false')
      buttons.push({ button, action })
      groupElement.append(button)
    }
    toolbar.append(groupElement)
  }

  toolbar.addEventListener('keydown', (event) => {
    const index = buttons.findIndex(({ button }) => button === document.activeElement)
    if (index < 0) return
    const last = buttons.length - 1
    const next =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : undefined
    if (next === undefined) return
    event.preventDefault()
    buttons[index]!.button.tabIndex = -1
    buttons[next]!.button.tabIndex = 0
    buttons[next]!.button.focus()
  })

  let frame = 0
  const refresh = () => {
    frame = 0
    for (const { button, action } of buttons) {
      if (action.active) button.setAttribute('aria-pressed', String(action.active(editor)))
      // aria-disabled, not disabled: the button stays reachable with the arrow keys.
      if (action.enabled) button.setAttribute('aria-disabled', String(!action.enabled(editor)))
    }
  }
  const schedule = () => {
    frame ||= requestAnimationFrame(refresh)
  }
  editor.on('transaction', schedule)
  editor.on('focus', schedule)
  refresh()
  return toolbar
}
