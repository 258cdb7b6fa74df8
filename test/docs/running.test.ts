// docs/running.md's table names every environment variable the service reads, and no other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config/env.ts';

const page = readFileSync(join(import.meta.dirname, '../../docs/running.md'), 'utf8');
const tableRows = [...page.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]);

describe('docs/running.md', () => {
  it('has a row for every variable src/config/env.ts reads, and none it does not read', () => {
    expect([...tableRows].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('lists the variables in the order the service reports their problems', () => {
    expect(tableRows).toEqual([...CONFIG_VARIABLES]);
  });
});
