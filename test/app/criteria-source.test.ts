// Criteria at run time: invalid sets stop the start, reloads add versions, a version in force never changes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { criteriaFileLoader } from '../../src/adapters/files/criteria-files.ts';
import { createMemoryCriteriaRegistry } from '../../src/adapters/memory/criteria-registry.ts';
import { CriteriaInvalidError, loadCriteriaSource } from '../../src/app/criteria-source.ts';
import { BASE_CRITERIA } from '../support/scenario.ts';

const NOW = Date.parse('2026-11-21T00:00:00Z');
const folder = () => mkdtempSync(join(tmpdir(), 'ob-criteria-'));
const write = (dir: string, name: string, doc: object) => writeFileSync(join(dir, name), stringify(doc));

describe('criteria source (issue 3 §4)', () => {
  it('refuses to start on an invalid file, with the validator messages', async () => {
    const dir = folder();
    write(dir, 'a.yaml', { ...BASE_CRITERIA, within: '0' });
    await expect(loadCriteriaSource(criteriaFileLoader(dir), NOW)).rejects.toThrow(CriteriaInvalidError);
    await expect(loadCriteriaSource(criteriaFileLoader(dir), NOW)).rejects.toThrow(/a\.yaml: within: must be more than 0/);
  });

  it('picks up a new version without a restart; it takes effect at its effective_from', async () => {
    const dir = folder();
    write(dir, 'a.yaml', BASE_CRITERIA);
    const source = await loadCriteriaSource(criteriaFileLoader(dir), NOW);
    write(dir, 'b.yaml', { ...BASE_CRITERIA, version: 2, change_notes: 'longer', within: '2h', effective_from: '2026-12-01T00:00:00Z' });
    expect(await source.reload(NOW)).toEqual({ ok: true, added: ['resolve@2'] });
    expect(source.current().inForce('resolve', NOW)?.version).toBe(1);
    expect(source.current().inForce('resolve', Date.parse('2026-12-01T00:00:00Z'))?.version).toBe(2);
  });

  it('keeps the old set when a version in force was edited or removed, or the new set is invalid', async () => {
    const dir = folder();
    write(dir, 'a.yaml', BASE_CRITERIA);
    const source = await loadCriteriaSource(criteriaFileLoader(dir), NOW);
    write(dir, 'a.yaml', { ...BASE_CRITERIA, within: '5h' });
    const edited = await source.reload(NOW);
    expect(edited.ok).toBe(false);
    expect(!edited.ok && edited.problems[0]).toMatch(/resolve v1 changed after it took effect/);
    expect(source.current().inForce('resolve', NOW)?.withinMs).toBe(3_600_000);
    write(dir, 'a.yaml', { ...BASE_CRITERIA, name: '' });
    expect((await source.reload(NOW)).ok).toBe(false);
  });

  it('allows editing a version that has not taken effect yet', async () => {
    const dir = folder();
    write(dir, 'a.yaml', { ...BASE_CRITERIA, effective_from: '2027-01-01T00:00:00Z' });
    const source = await loadCriteriaSource(criteriaFileLoader(dir), NOW);
    write(dir, 'a.yaml', { ...BASE_CRITERIA, within: '5h', effective_from: '2027-01-01T00:00:00Z' });
    expect(await source.reload(NOW)).toEqual({ ok: true, added: [] });
  });
});

// The registry is Redis in the service; the in-memory one passes the same conformance suite (test/support/criteria-registry-conformance.ts).
describe('criteria the ledger has run with (kept in the registry across restarts and processes)', () => {
  it('refuses a restart with a version in force edited or removed, or a new version of a known id in the past', async () => {
    const registry = createMemoryCriteriaRegistry();
    const dir = folder();
    write(dir, 'a.yaml', BASE_CRITERIA);
    await loadCriteriaSource(criteriaFileLoader(dir), NOW, registry);
    // Restart with v1 edited: refused, whoever restarts.
    write(dir, 'a.yaml', { ...BASE_CRITERIA, within: '5h' });
    await expect(loadCriteriaSource(criteriaFileLoader(dir), NOW, registry)).rejects.toThrow(/resolve v1 changed after it took effect/);
    // Restart with v1 gone.
    const other = folder();
    write(other, 'b.yaml', { ...BASE_CRITERIA, id: 'other' });
    await expect(loadCriteriaSource(criteriaFileLoader(other), NOW, registry)).rejects.toThrow(/resolve v1 is missing/);
    // A v2 dated before now: the ledger already judged that time with v1.
    write(dir, 'a.yaml', BASE_CRITERIA);
    write(dir, 'b.yaml', { ...BASE_CRITERIA, version: 2, change_notes: 'x', effective_from: '2026-11-10T00:00:00Z' });
    await expect(loadCriteriaSource(criteriaFileLoader(dir), NOW, registry)).rejects.toThrow(/resolve v2 would take effect in the past/);
    // The same v2 dated after now is fine, and a brand-new id may start in the past (nothing was judged under it).
    write(dir, 'b.yaml', { ...BASE_CRITERIA, version: 2, change_notes: 'x', effective_from: '2026-12-01T00:00:00Z' });
    write(dir, 'c.yaml', { ...BASE_CRITERIA, id: 'fresh' });
    const source = await loadCriteriaSource(criteriaFileLoader(dir), NOW, registry);
    expect(source.current().inForce('fresh', NOW)?.version).toBe(1);
    expect((await registry.read()).map((k) => `${k.id}@${k.version}`).sort()).toEqual(['fresh@1', 'resolve@1', 'resolve@2']);
  });
});

// Versions published from HubSpot arrive through refresh(): a look at a revision counter, then the loader without the files.
describe('criteria source refresh (issue 8 item 4)', () => {
  it('loads again only when the revision moved, one look for concurrent callers, and a caller during a look gets a look after it', async () => {
    const dir = folder();
    write(dir, 'a.yaml', BASE_CRITERIA);
    const files = criteriaFileLoader(dir);
    let rev = 0;
    let reads = 0;
    const loads: (boolean | undefined)[] = [];
    const source = await loadCriteriaSource(
      async (o) => {
        loads.push(o?.filesAgain);
        return files();
      },
      NOW,
      undefined,
      async () => {
        reads++;
        await new Promise((r) => setTimeout(r, 5));
        return String(rev);
      },
    );
    expect(await source.refresh(NOW)).toBeNull();
    rev = 1;
    write(dir, 'b.yaml', { ...BASE_CRITERIA, version: 2, change_notes: 'longer', within: '2h', effective_from: '2026-12-01T00:00:00Z' });
    const results = await Promise.all([source.refresh(NOW), source.refresh(NOW), source.refresh(NOW)]);
    // The first look found the move (this loader reads the file again); the second, queued for both later callers, found nothing new.
    expect(results).toEqual([{ ok: true, added: ['resolve@2'] }, null, null]);
    expect(reads).toBe(4);
    expect(loads).toEqual([undefined, false]);
  });
});
