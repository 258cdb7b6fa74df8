// The layer rules of eslint.config.js bite: imports planted across layers fail the linter, legal ones pass.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

// Targets are looked up, not named, so that moving files inside a layer never breaks this test. Paths between
// folders are resolved to real files by the rule, so the target has to exist.
function someModuleIn(layer: string): string {
  const dir = path.join(root, 'src', layer);
  const file = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .sort()[0];
  if (file === undefined) throw new Error(`no module in src/${layer}`);
  return path.join(dir, file);
}

function relativeImport(fromFile: string, toFile: string): string {
  const rel = path.relative(path.dirname(path.join(root, fromFile)), toFile).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The problems ESLint reports for a file at `filePath` that imports `specifier` and re-exports it. */
async function lintImport(filePath: string, specifier: string): Promise<string[]> {
  return lintCode(filePath, `import * as planted from '${specifier}';\n\nexport { planted };\n`);
}

async function lintCode(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const layerImport = (from: string, toLayer: string): Promise<string[]> =>
  lintImport(from, relativeImport(from, someModuleIn(toLayer)));

beforeAll(async () => {
  // The first lint loads the config, the parser and TypeScript's API; the cases after it take milliseconds.
  await lintCode('src/core/warm-up.ts', 'export const warm = 1;\n');
}, 60_000);

describe('layers: planted imports fail', () => {
  it.each([
    ['src/app/planted.ts', 'adapters'],
    ['src/app/planted.ts', 'main'],
    ['src/app/planted.ts', 'cli'],
    ['src/app/planted.ts', 'config'],
    ['src/app/deeper/still/planted.ts', 'adapters'],
    ['src/core/planted.ts', 'adapters'],
    ['src/core/planted.ts', 'app'],
    ['src/core/planted.ts', 'config'],
    ['src/core/planted.ts', 'main'],
    ['src/config/planted.ts', 'app'],
    ['src/adapters/planted.ts', 'main'],
    ['src/adapters/planted.ts', 'cli'],
    ['src/cli/planted.ts', 'main'],
  ])('%s importing src/%s', async (from, toLayer) => {
    expect(await layerImport(from, toLayer)).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*src\/\w+ may import only/)]);
  });

  it('a detour through a legal folder does not hide src/adapters', async () => {
    const detour = relativeImport('src/app/planted.ts', someModuleIn('adapters')).replace('../adapters/', '../core/../adapters/');
    expect(await lintImport('src/app/planted.ts', detour)).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths:/)]);
  });

  it('the HubSpot app, uploaded alone, never imports the service', async () => {
    expect(await lintImport('hubspot-app/src/app/cards/Planted.tsx', '../../../../src/core/types.ts')).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*hs project upload/),
    ]);
  });

  it('src/ never imports tests', async () => {
    expect(await lintImport('src/main/planted.ts', '../../test/support/seeded-random.ts')).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*never imports tests/),
    ]);
  });

  it.each([
    ['src/core/planted.ts', 'node:fs'],
    ['src/core/planted.ts', 'fs'],
    ['src/core/planted.ts', 'node:crypto'],
    ['src/core/planted.ts', 'ioredis'],
    ['src/core/planted.ts', 'bullmq'],
    ['src/core/planted.ts', 'express'],
    ['src/core/planted.ts', 'pino'],
    ['src/core/planted.ts', 'prom-client'],
    ['src/core/planted.ts', '@hubspot/api-client'],
    ['src/core/planted.ts', 'zodiac'],
    ['src/app/planted.ts', 'ioredis'],
    ['src/app/planted.ts', 'node:fs/promises'],
    ['src/app/planted.ts', '@hubspot/api-client'],
    ['src/config/planted.ts', 'node:fs'],
  ])('%s importing the package %s', async (from, specifier) => {
    expect(await lintImport(from, specifier)).toEqual([expect.stringMatching(/^no-restricted-imports: .*may import only these packages/)]);
  });

  it('src/core reads no clock, environment or chance', async () => {
    const code = [
      'export const a = Date.now();',
      'export const b = new Date();',
      'export const c = process.env.PORT;',
      'export const d = Math.random();',
      "export const e = import('node:fs');",
      '',
    ].join('\n');
    const problems = await lintCode('src/core/planted.ts', code);
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'no-restricted-syntax',
      'no-restricted-syntax',
      'no-restricted-globals',
      'no-restricted-syntax',
      'no-restricted-syntax',
    ]);
  });
});

describe('layers: legal imports pass', () => {
  it.each([
    ['src/app/planted.ts', 'core'],
    ['src/adapters/planted.ts', 'app'],
    ['src/adapters/planted.ts', 'core'],
    ['src/adapters/planted.ts', 'config'],
    ['src/config/planted.ts', 'core'],
    ['src/cli/planted.ts', 'adapters'],
    ['src/main/planted.ts', 'cli'],
    ['src/main/planted.ts', 'adapters'],
  ])('%s importing src/%s', async (from, toLayer) => {
    expect(await layerImport(from, toLayer)).toEqual([]);
  });

  it.each([
    ['src/core/planted.ts', 'zod'],
    ['src/core/planted.ts', 'dinero.js/bigint'],
    ['src/core/planted.ts', 'luxon'],
    ['src/app/planted.ts', 'node:crypto'],
    ['src/adapters/planted.ts', 'ioredis'],
    ['src/main/planted.ts', 'node:http'],
  ])('%s importing the package %s', async (from, specifier) => {
    expect(await lintImport(from, specifier)).toEqual([]);
  });
});

describe('size limits hold in src/ only', () => {
  /** A function of `lines` lines, with blank lines and comments between them that do not count. */
  const functionOf = (lines: number): string =>
    `export function long(): number {\n  let n = 0;\n${'  n += 1;\n\n  // counted? no\n'.repeat(lines - 4)}  return n;\n}\n`;

  it('a function of 61 lines fails in src/, one of 60 passes', async () => {
    expect(await lintCode('src/core/planted.ts', functionOf(61))).toEqual([expect.stringMatching(/^max-lines-per-function: .*\(61\)/)]);
    expect(await lintCode('src/core/planted.ts', functionOf(60))).toEqual([]);
  });

  it('a function of 61 lines passes in test/', async () => {
    expect(await lintCode('test/core/planted.ts', functionOf(61))).toEqual([]);
  });
});
