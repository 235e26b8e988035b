/** Jest runs TypeScript through swc (fast, no type-check: `npm run typecheck` does that).
 *  Suites share one real Temporal dev server, one fresh MariaDB database and Redis,
 *  started in test/global-setup.ts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/common', '<rootDir>/activities', '<rootDir>/workflows', '<rootDir>/api', '<rootDir>/db', '<rootDir>/temporal'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // jose 6 is ESM-only: let swc turn it into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
