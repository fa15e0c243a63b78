/**
 * Comments, for the server, the exports and the editor alike (`@quire/shared/comments`: apart
 * from the rest of shared, as it needs Yjs).
 */
export * from './comment-anchors.js'
export * from './comment-threads.js'
export * from './comment-restore.js'
