export * from './ids.js'
export * from './roles.js'
export * from './api.js'
export * from './protocol.js'
