// ESLint (flat config): typescript-eslint's recommended rules, a few of our own, and the
// architecture's rules (no import cycles, the web layer does not touch the database, routes
// do not import routes, raw SQL only where it belongs). Formatting is Prettier's (eslint-config-prettier).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Where the persistence layer's raw `sql()` lives; see rule (d) below. */
const SQL_MODULE = ['**/persistence/sql', '**/persistence/sql.ts'];

/** (b) The web layer reads and writes through the domain, never the database itself. */
const HTTP_DATABASE = {
  paths: [{ name: 'typeorm', message: 'src/http goes through the domain; no TypeORM in the web layer.' }],
  patterns: [
    {
      group: ['**/persistence/sql', '**/persistence/sql.ts'],
      message: 'src/http goes through the domain; no SQL in the web layer.',
    },
    {
      group: ['**/persistence/data-source', '**/persistence/data-source.ts'],
      message: 'src/http goes through the domain; no database handle in the web layer.',
    },
    {
      // An entity's type may describe what the domain hands over; loading or saving one is the domain's.
      group: ['**/persistence/entities', '**/persistence/entities/*'],
      allowTypeImports: true,
      message: 'src/http goes through the domain; no entities to query with in the web layer.',
    },
  ],
};

/** (b) …nor through the services: `services.db` (or `deps.db`) is the database handle. */
const HTTP_DATABASE_SYNTAX = [
  {
    selector: "MemberExpression[property.name='db'][object.name=/^(services|deps|s)$/]",
    message: 'src/http goes through the domain; no services.db in the web layer.',
  },
];

/** (c) A route file is a leaf: what two routers share lives in a view, a presenter or the domain. */
const ROUTE_IMPORTS = {
  group: ['./*.routes', './*.routes.ts', '../**/*.routes', '../**/*.routes.ts'],
  message: 'A routes file may not import another routes file: move what they share out of both.',
};

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', 'data/', 'test-output/', 'bench-output/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // (a) No runtime import cycles (type-only imports do not load a module, so they may go both ways).
      'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }],
    },
  },
  {
    // The pages' own scripts run in the browser.
    files: ['views/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    // CommonJS files (jest.config.js) may require().
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests and benchmarks read JSON answers and raw rows, which supertest and the drivers type as `any`.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // (d) Raw SQL only in persistence, the engine and each area's `*.queries.ts`.
    files: ['**/*.ts'],
    ignores: ['src/persistence/**', 'src/engine/**', '**/*.queries.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: SQL_MODULE,
              importNames: ['sql'],
              message: "Raw SQL lives in src/persistence, src/engine or an area's *.queries.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    // (b) + (d): the web layer has no database at all.
    files: ['src/http/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', HTTP_DATABASE],
      'no-restricted-syntax': ['error', ...HTTP_DATABASE_SYNTAX],
    },
  },
  {
    // (b) + (c) + (d) for the web pages' routers.
    files: ['src/http/web/*.routes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { ...HTTP_DATABASE, patterns: [...HTTP_DATABASE.patterns, ROUTE_IMPORTS] },
      ],
      'no-restricted-syntax': ['error', ...HTTP_DATABASE_SYNTAX],
    },
  },
  {
    // No `x!`: code says what it knows — a signed-in caller is `signedIn(req)`, a scope's kind carries its group or
    // squad, a map built from the keys asked is read with `known()`, a NOT NULL datetime with `readRequiredDate`.
    // Landed migrations are frozen byte for byte, so they keep theirs.
    files: ['src/**/*.ts', 'workflows/**/*.ts'],
    ignores: ['src/persistence/migrations/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  prettier,
);
