/** Two projects: fast unit tests next to the code, end-to-end tests against the real broker and database. */
const moduleNameMapper = {
  '^@newsflow/(contracts|messaging|config|text-processing|database|observability)$':
    '<rootDir>/libs/$1/src',
};
// linkedom's parser stack ships ES modules only; Node loads them natively, Jest needs them compiled.
const esmOnlyPackages = [
  'linkedom',
  'css-select',
  'css-what',
  'nth-check',
  'boolbase',
  'domutils',
  'domhandler',
  'domelementtype',
  'dom-serializer',
  'htmlparser2',
  'entities',
  'html-escaper',
  'uhyphen',
  'cssomnom',
];
const transform = {
  '^.+\\.ts$': 'ts-jest',
  '^.+\\.m?js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
    },
  ],
};
