/** Two projects: fast unit tests next to the code, end-to-end tests against the real broker and database. */
const moduleNameMapper = {
  '^@newsflow/(contracts|messaging|config|text-processing|database|observability)$':
    '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': 'ts-jest' };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
      testTimeout: 120000,
      maxWorkers: 1,
    },
  ],
};
