// Lint: TypeScript rules everywhere, and two fences.
// - The domain (activities/, workflows/, db/, common/) never imports the HTTP layer (api/): a
//   service's inputs and views live with the service, api/ only adds route params and wrappers.
//   db/ may use the approval DSL (the template a row stores) and the approval contract (the
//   statuses a row holds), nothing else of workflows/.
// - workflows/ is replayed deterministically inside Temporal's sandbox, so it must not touch Node
//   built-ins, the network, the database or the clock outside the sandbox's deterministic versions.
// ESLint keeps only the last `no-restricted-imports` that applies to a file, so each block below
// repeats the fence it shares with the others (`domainFence`).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ioLibraries = [
  'ioredis', 'mysql2', 'mysql2/*', 'nodemailer', 'koa', 'koa/*', '@koa/*', 'jose', 'pino',
  '@mikro-orm/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
  'smtp-server', 'swagger-ui-dist',
];

// Relative imports that climb up into the top-level api/ folder (`../api/…`, `../../api`).
const noApi = {
  regex: '^(\\.\\./)+api(/|$)',
  message: 'The domain must not depend on the HTTP layer: put inputs, queries and views in the owning module (activities/<domain>/schema.ts) or common/, and let api/ import them.',
};
const domainFence = [noApi];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'db/migrations/**', 'web/dist/**', 'web/src/api/schema.d.ts', 'web/src/components.d.ts', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: do I/O in an activity.' })),
          patterns: [
            ...domainFence,
            { group: ioLibraries, message: 'Workflow code must be deterministic: do I/O in an activity.' },
            { group: ['**/activities/*', '!**/activities/index', '**/activities/*/*', '**/db/**', '**/common/config*', '**/common/logger*'], message: 'Import activities as types only (import type) and call them via proxyActivities.', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use a loop with sleep().' }, { name: 'process', message: 'No process access in workflows.' }],
      // Patch ids live in one module per workflow (workflows/approval/patches.ts), each with what it changed.
      'no-restricted-syntax': ['error', { selector: 'CallExpression[callee.name=/^(patched|deprecatePatch)$/] > Literal', message: "Use a constant from the workflow's patches module (e.g. PATCHES in workflows/approval/patches.ts), not a string." }],
    },
  },
  {
    files: ['activities/**/*.ts', 'common/**/*.ts', 'workflows/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: domainFence }] },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...domainFence,
            {
              regex: '^(\\.\\./)+workflows/(?!approval/(dsl|contract)(/|$))',
              message: 'db/ may import the approval DSL (workflows/approval/dsl) and the approval contract\'s status lists, nothing else of workflows/: move shared types to the owning module.',
            },
          ],
        },
      ],
    },
  },
);
