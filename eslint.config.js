// ESLint for the whole repository: typescript-eslint's recommended rules, the layer boundaries of src/, size limits.
//
// Parsing: typescript-eslint needs TypeScript's JavaScript API, which the native TypeScript 7 compiler does not ship.
// package.json therefore installs the two side by side, as the TypeScript 7.0 announcement describes ("Running side
// by side with TypeScript 6.0"): `typescript` is @typescript/typescript6 (the 6.0 API, whose binary is `tsc6`; only the
// linter uses it) and `@typescript/native` is TypeScript 7, whose `tsc` type-checks the project. Drop the alias once
// typescript-eslint reads TypeScript 7 (typescript-eslint/typescript-eslint#10940). The rules below need no type
// information: type-aware linting took over a minute here, this takes seconds.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// Layers of src/, each with the layers it may import (besides itself). Anything in src/ outside these folders may
// be imported by none of them. Decided here:
// - config (the environment schema) sits just above core: it may use core's types, and it is read by the composition
//   roots and the adapters that need a setting; app gets its settings as arguments, never from config.
// - cli is a composition root like main, one per command: it wires adapters to use cases. main may start the cli
//   (the demo does); the cli never imports main.
const LAYERS = {
  core: [],
  config: ['core'],
  app: ['core'],
  adapters: ['core', 'config', 'app'],
  cli: ['core', 'config', 'app', 'adapters'],
  main: ['core', 'config', 'app', 'adapters', 'cli'],
};

// The pure libraries core builds on: no I/O, no clock, no global state.
const PURE_LIBRARIES = ['zod', 'luxon', 'yaml', 'peggy', 'dinero.js'];
// What the layers that do no I/O may import from packages and Node. app may also hash (node:crypto's createHash).
const PACKAGES_ALLOWED = {
  core: PURE_LIBRARIES,
  config: PURE_LIBRARIES,
  app: [...PURE_LIBRARIES, 'node:crypto'],
};

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Import paths between folders are resolved to files first, so `../`-chains and deep paths cannot slip through. */
const layerZones = Object.entries(LAYERS).map(([layer, allowed]) => ({
  target: `src/${layer}`,
  from: 'src',
  except: [layer, ...allowed].map((name) => `./${name}`),
  message: `src/${layer} may import only from src/{${[layer, ...allowed].join(',')}} (see eslint.config.js, LAYERS).`,
}));

const edgeZones = [
  { target: 'src', from: ['test', 'bench', 'bin', 'hubspot-app'], message: 'src/ never imports tests, tools or the HubSpot app.' },
  {
    target: 'hubspot-app',
    from: ['src', 'test', 'bench', 'bin'],
    message: '`hs project upload` sends only hubspot-app/: share types by generating them into hubspot-app/.',
  },
];

// The core never reads the clock or chance: time and ids come in as arguments (ARCHITECTURE.md, principle 1).
const coreSyntaxBans = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The core never reads the clock: take `now` as an argument.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The core never reads the clock: take `now` as an argument.' },
  { selector: "CallExpression[callee.name='Date']", message: 'The core never reads the clock: take `now` as an argument.' },
  {
    selector: "CallExpression[callee.object.name='DateTime'][callee.property.name=/^(now|local|utc)$/][arguments.length=0]",
    message: 'The core never reads the clock: take `now` as an argument.',
  },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'The core is deterministic: take randomness as an argument.' },
];
const coreGlobalBans = ['process', 'console', 'fetch', 'crypto', 'performance', 'setTimeout', 'setInterval', 'setImmediate', 'require'].map(
  (name) => ({ name, message: `The core does no I/O and reads no clock or environment: \`${name}\` belongs in an adapter.` }),
);

/** Rules for a layer that does no I/O: an allow-list of packages, no dynamic import(); core also reads no clock. */
function pureLayer(layer) {
  const allowed = PACKAGES_ALLOWED[layer];
  const allowedRegex = allowed.map((name) => `${escapeRegex(name)}(/|$)`).join('|');
  const clockAndGlobals = layer === 'core' ? coreSyntaxBans : [];
  return {
    name: `layers/${layer}/packages`,
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Everything that is neither relative (checked by import-x/no-restricted-paths) nor allowed.
              regex: `^(?!\\.{1,2}/|(${allowedRegex}))`,
              message: `src/${layer} may import only these packages: ${allowed.join(', ')} (see eslint.config.js).`,
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: `A dynamic import() hides a dependency from the layer rules of src/${layer}.` },
        ...clockAndGlobals,
      ],
      ...(layer === 'core' ? { 'no-restricted-globals': ['error', ...coreGlobalBans] } : {}),
    },
  };
}

export default defineConfig([
  globalIgnores(['coverage/', 'hubspot-app/**/dist/', 'hubspot-app/**/build/', '**/*.generated.*']),
  {
    name: 'project/typescript',
    files: ['**/*.{ts,tsx,mts,cts,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver()] },
    rules: {
      // Node and packages first, then the project's own modules; `eslint --fix` sorts them.
      'import-x/order': ['error', { groups: ['builtin', 'external', ['parent', 'sibling', 'index']] }],
      // A variable a callback reads before its one assignment (a test's failure report) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Aligned with tsc's noUnusedLocals/noUnusedParameters: a leading underscore marks a deliberately unused name.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    name: 'project/boundaries',
    files: ['src/**/*.ts', 'hubspot-app/**/*.{ts,tsx}'],
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...layerZones, ...edgeZones] }],
    },
  },
  ...Object.keys(PACKAGES_ALLOWED).map(pureLayer),
  {
    // STYLE.md: small files with one job, small functions. An exception is a files-scoped entry below this one,
    // with a comment pointing at the docs/architecture.md paragraph that says why.
    name: 'project/size',
    files: ['src/**/*.ts'],
    rules: {
      // A file is counted as it stands (issue 12: no file over 300 lines); a function without blanks and comments.
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
]);
