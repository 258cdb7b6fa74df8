// Rules that span versions of one id (buildCriteriaSet), and which version is in force at an instant (contract §3).
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildCriteriaSet, makeSet, versionKey } from '../../../src/core/criteria/criteria-set.ts';
import type { CriteriaSetResult, SourcedVersion } from '../../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../../src/core/criteria/parse-file.ts';
import { BASE_CRITERIA } from '../../support/scenario.ts';

/** Every version of a file of `criteria:` entries (overrides of BASE_CRITERIA), from the source `source`. */
function file(source: string, ...overrides: Record<string, unknown>[]): SourcedVersion[] {
  const parsed = parseCriteriaText(stringify({ criteria: overrides.map((o) => ({ ...BASE_CRITERIA, ...o })) }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.versions.map((v) => ({ ...v, source }));
}

/** A version alone in its own file (path []), as `validate` reads a folder of one-version files. */
function single(source: string, overrides: Record<string, unknown>): SourcedVersion[] {
  const parsed = parseCriteriaText(stringify({ ...BASE_CRITERIA, ...overrides }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.versions.map((v) => ({ ...v, source }));
}

const v2 = (effectiveFrom: string, o: Record<string, unknown> = {}) => ({ version: 2, change_notes: 'Longer deadline.', within: '2h', effective_from: effectiveFrom, ...o });

function problemsOf(r: CriteriaSetResult) {
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

describe('versions of one id: effective_from (docs/decisions.md)', () => {
  it('a v2 with the same effective_from as v1 is refused: v1 would never be in force', () => {
    const r = buildCriteriaSet(file('criteria.yaml', {}, v2(BASE_CRITERIA.effective_from as string)));
    expect(problemsOf(r)).toEqual([
      {
        code: 'conflict',
        source: 'criteria.yaml',
        path: ['criteria', 1, 'effective_from'],
        message: "is the same instant as v1's effective_from, so v1 would never be in force: give v2 a later one",
      },
    ]);
  });

  it('the same instant written another way (a bare date in New York, the UTC time) is refused too', () => {
    const r = buildCriteriaSet(file('c.yaml', { timezone: 'America/New_York', effective_from: '2026-11-01' }, v2('2026-11-01T04:00:00Z')));
    expect(problemsOf(r).map((p) => [p.code, p.path])).toEqual([['conflict', ['criteria', 1, 'effective_from']]]);
  });

  it('a v2 one millisecond after v1 is accepted, and each is in force from its own instant', () => {
    const r = buildCriteriaSet(file('c.yaml', { effective_from: '2026-11-01T00:00:00Z' }, v2('2026-11-01T00:00:00.001Z')));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const t = Date.parse('2026-11-01T00:00:00Z');
    expect(r.set.inForce('resolve', t - 1)).toBeNull();
    expect(r.set.inForce('resolve', t)?.version).toBe(1);
    expect(r.set.inForce('resolve', t + 1)?.version).toBe(2);
    expect(r.set.inForce('resolve', t + 86_400_000)?.version).toBe(2);
  });

  it('a v2 that takes effect before v1 is refused, at its own effective_from', () => {
    const r = buildCriteriaSet(file('c.yaml', { effective_from: '2026-11-01T00:00:00Z' }, v2('2026-10-31T23:59:59Z')));
    expect(problemsOf(r)).toEqual([
      { code: 'conflict', source: 'c.yaml', path: ['criteria', 1, 'effective_from'], message: "is earlier than v1's effective_from, which would never be in force then" },
    ]);
  });

  it('versions are compared in version order, whatever order the files list them in', () => {
    const r = buildCriteriaSet([...single('b.yaml', v2('2026-12-01T00:00:00Z')), ...single('a.yaml', { effective_from: '2026-11-01T00:00:00Z' })]);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.set.inForce('resolve', Date.parse('2026-11-15T00:00:00Z'))?.version).toBe(1);
    expect(r.set.inForce('resolve', Date.parse('2026-12-01T00:00:00Z'))?.version).toBe(2);
  });

  it('v3 is checked against v2 (not only v1): equal to v2 is refused', () => {
    const r = buildCriteriaSet(
      file('c.yaml', { effective_from: '2026-11-01T00:00:00Z' }, v2('2026-12-01T00:00:00Z'), { version: 3, change_notes: 'Again.', effective_from: '2026-12-01T00:00:00Z' }),
    );
    expect(problemsOf(r).map((p) => [p.path, p.message])).toEqual([
      [['criteria', 2, 'effective_from'], "is the same instant as v2's effective_from, so v2 would never be in force: give v3 a later one"],
    ]);
  });
});

describe('versions of one id: identity and object', () => {
  it('a version defined twice is refused, naming where the other one is', () => {
    const r = buildCriteriaSet([...single('a.yaml', {}), ...file('b.yaml', { name: 'Other' })]);
    expect(problemsOf(r)).toEqual([
      {
        code: 'duplicate',
        source: 'b.yaml',
        path: ['criteria', 0, 'version'],
        message: 'resolve v1 is defined twice (also in a.yaml); a version never changes once written: add a new version',
      },
    ]);
  });

  it('the other definition is named with its path inside a list', () => {
    const r = buildCriteriaSet([...file('a.yaml', {}), ...single('b.yaml', {})]);
    expect(problemsOf(r)[0]).toMatchObject({ source: 'b.yaml', path: ['version'], message: expect.stringContaining('(also in a.yaml criteria[0])') });
  });

  it('every version of an id watches one object', () => {
    const r = buildCriteriaSet(file('c.yaml', {}, v2('2026-12-01T00:00:00Z', { object: 'deal' })));
    expect(problemsOf(r)).toEqual([
      {
        code: 'conflict',
        source: 'c.yaml',
        path: ['criteria', 1, 'object'],
        message: 'resolve watches ticket in v1; every version of an id must watch the same object (use a new id)',
      },
    ]);
  });

  it('every problem is listed at once, across ids', () => {
    const r = buildCriteriaSet(
      file('c.yaml', {}, v2('2025-01-01T00:00:00Z', { object: 'deal' }), { id: 'other' }, { id: 'other', name: 'Again' }),
    );
    expect(problemsOf(r).map((p) => [p.code, p.path])).toEqual([
      ['conflict', ['criteria', 1, 'object']],
      ['conflict', ['criteria', 1, 'effective_from']],
      ['duplicate', ['criteria', 3, 'version']],
    ]);
  });
});

describe('the criteria set', () => {
  const set = () => {
    const r = buildCriteriaSet(file('c.yaml', { id: 'zeta' }, { id: 'alpha' }, { id: 'deals', object: 'deal' }, v2('2026-12-01T00:00:00Z', { id: 'alpha' })));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.set;
  };

  it('idsFor lists the ids watching an object, sorted; none for an object nobody watches', () => {
    expect(set().idsFor('ticket')).toEqual(['alpha', 'zeta']);
    expect(set().idsFor('deal')).toEqual(['deals']);
    expect(set().idsFor('contact')).toEqual([]);
  });

  it('idsFor sorts by id however many there are and in whatever order they were read', () => {
    const ids = ['m', 'b', 'x', 'a', 'q', 'c', 'z', 'k'];
    const r = buildCriteriaSet(file('c.yaml', ...ids.map((id) => ({ id }))));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.set.idsFor('ticket')).toEqual([...ids].sort());
  });

  it('get returns a pinned version and throws for one that is not loaded', () => {
    expect(set().get('alpha', 2).withinMs).toBe(7_200_000);
    expect(set().get('alpha', 1).withinMs).toBe(3_600_000);
    expect(() => set().get('alpha', 3)).toThrow('criteria alpha v3 is not loaded');
  });

  it('inForce is null for an unknown id', () => {
    expect(set().inForce('nope', Date.parse('2030-01-01T00:00:00Z'))).toBeNull();
  });

  it('versions() gives every version loaded', () => {
    expect(set().versions().map((v) => versionKey(v.id, v.version))).toEqual(['zeta@1', 'alpha@1', 'deals@1', 'alpha@2']);
  });

  it('makeSet sorts each id by version, whatever the order given', () => {
    const [a, b] = file('c.yaml', {}, v2('2026-12-01T00:00:00Z')).map((v) => v.criteria);
    const s = makeSet([b!, a!]);
    expect(s.inForce('resolve', Date.parse('2026-11-15T00:00:00Z'))?.version).toBe(1);
    expect(s.inForce('resolve', Date.parse('2026-12-15T00:00:00Z'))?.version).toBe(2);
  });
});
