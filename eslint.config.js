// The house's floor plan: which layer may use which, and the rules every file follows.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

/** What a layer may not import, and why (the rule's message says it). */
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] })

const FASTIFY = {
  group: ['fastify', 'fastify-plugin', '@fastify/*'],
  message: 'Only http/ (and app.ts, main.ts) may use Fastify: the collaboration core, storage, versions and exports work without it.',
}
const HTTP = { group: ['**/http/*', '**/http'], message: 'Arrows point inward: nothing below http/ imports it.' }
const LEVEL = { group: ['level', 'classic-level', 'abstract-level'], message: 'Only storage/ touches LevelDB: everything else goes through DocStore.' }
const SERVER = { group: ['**/server/**', '@quire/server', '@quire/server/*'], message: 'The client shares code with the server only through shared/.' }
const APP = {
  group: ['**/server/**', '**/client/**', '@quire/server', '@quire/client'],
  message: 'shared/ is used by the server and the client; it imports neither.',
}
const NODE = { group: ['node:*'], message: 'shared/ runs in the browser too: no Node built-ins.' }

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      // Unused arguments keep a signature readable when prefixed with _.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  // The server: no console (the logger), no promise left to fail unheard (an unhandled
  // rejection ends the process), and the layers below http/.
  {
    files: ['server/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      ...restrict(LEVEL),
    },
  },
  { files: ['server/src/storage/**/*.ts'], rules: restrict(FASTIFY, HTTP) },
  {
    files: ['server/src/{sync,versions,export,workers,admin,access,comments,files}/**/*.ts', 'server/src/{config,errors,logger,metrics,clock}.ts'],
    rules: restrict(FASTIFY, HTTP, LEVEL),
  },
  // The browser tests start the real server from the server's test helpers; the client itself never imports it.
  { files: ['client/src/**/*.ts', 'client/test/**/*.ts'], rules: restrict(SERVER, LEVEL) },
  { files: ['shared/src/**/*.ts'], rules: restrict(APP, NODE, LEVEL, FASTIFY) },
  prettier,
)
