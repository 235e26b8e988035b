/** Jest runs TypeScript through swc (fast, no type-check: `npm run typecheck` does that).
 *
 *  Two projects, one run (so `--json` reports both):
 *  - unit: test/unit/, pure code only (the approval DSL and engine, …). No global setup: no
 *    Temporal, no database, no Redis. `npm run test:unit` runs them in seconds.
 *  - integration: everything else. Suites share one real Temporal dev server, one fresh
 *    MariaDB database and Redis, started in test/global-setup.ts (only when a test of this
 *    project is selected). */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // jose 6 and request-filtering-agent 3 are ESM-only: let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(jose|request-filtering-agent)/)'],
};

module.exports = {
  maxWorkers: 1,
  // A run-wide setting (jest ignores it inside a project): the integration suites need it.
  testTimeout: 120000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/test/unit'],
      testMatch: ['**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test', '<rootDir>/common', '<rootDir>/activities', '<rootDir>/workflows', '<rootDir>/api', '<rootDir>/db', '<rootDir>/temporal'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};
