// Lint: TypeScript rules everywhere, and a hard fence around workflows/: workflow code is
// replayed deterministically inside Temporal's sandbox, so it must not touch Node built-ins,
// the network, the database or the clock outside the sandbox's deterministic versions.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ioLibraries = [
  'ioredis', 'mysql2', 'mysql2/*', 'nodemailer', 'koa', 'koa/*', '@koa/*', 'jose', 'pino',
  '@mikro-orm/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
  'smtp-server', 'swagger-ui-dist',
];

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
            { group: ioLibraries, message: 'Workflow code must be deterministic: do I/O in an activity.' },
            { group: ['**/activities/*', '!**/activities/index', '**/activities/*/*', '**/db/**', '**/api/**', '**/common/config*', '**/common/logger*'], message: 'Import activities as types only (import type) and call them via proxyActivities.', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use a loop with sleep().' }, { name: 'process', message: 'No process access in workflows.' }],
    },
  },
);
