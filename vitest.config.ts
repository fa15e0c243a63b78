import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@quire\/shared\/schema$/, replacement: fileURLToPath(new URL('./shared/src/schema.ts', import.meta.url)) },
      { find: /^@quire\/shared\/comments$/, replacement: fileURLToPath(new URL('./shared/src/comments.ts', import.meta.url)) },
      { find: /^@quire\/shared$/, replacement: fileURLToPath(new URL('./shared/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start servers and child processes; two cores are shared among them.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit and integration',
          include: ['shared/test/**/*.test.ts', 'server/test/**/*.test.ts', 'client/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
          exclude: ['server/test/cluster/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Three server processes, PostgreSQL and a Redis of its own per file: alone, after the rest.
        extends: true,
        test: { name: 'cluster', include: ['server/test/cluster/**/*.test.ts'], sequence: { groupOrder: 1 } },
      },
      {
        // The browsers run after the rest: Chromium next to them would starve timing-sensitive server tests.
        extends: true,
        test: { name: 'browser', include: ['client/e2e/**/*.test.ts'], sequence: { groupOrder: 2 } },
      },
    ],
  },
})
