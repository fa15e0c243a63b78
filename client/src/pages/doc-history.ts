import type { Editor } from '@tiptap/core'
import { TITLE_FIELD } from '@quire/shared'
import type { ApiClient } from '../api/api-client.js'
import type { DocSession } from '../collab/doc-session.js'
import { whenSaved } from '../collab/when-saved.js'
import { restoreVersion } from '../editor/restore-version.js'
import { createHistoryPanel, type HistoryPanel } from '../ui/history-panel.js'

export interface DocHistoryOptions {
  api: ApiClient
  session: DocSession
  editor: Editor
  key(): string
  writer: boolean
  currentTitle(): string
  onClose(): void
}

/** The History panel wired to this page's editor and session; loaded only when it is opened. */
export function createDocHistory({ api, session, editor, key, writer, currentTitle, onClose }: DocHistoryOptions): HistoryPanel {
  return createHistoryPanel({
    api,
    id: session.id,
    key,
    canWrite: () => writer && editor.isEditable,
    restoreInEditor: (version) => restoreVersion(editor, session.doc.getText(TITLE_FIELD), version),
    whenSaved: (timeoutMs) => (session.saves ? whenSaved(session.saves, timeoutMs) : Promise.resolve(true)),
    online: () => session.connection === 'online',
    onOnlineChange: (listener) => {
      session.on('status', listener)
      return () => session.off('status', listener)
    },
    currentContent: () => editor.getJSON(),
    isTextblock: (type) => editor.schema.nodes[type]?.isTextblock ?? false,
    currentTitle,
    onClose,
  })
}
