// backtest(): the stored inputs replayed with the versions as they are and with a draft over a window; figures by hand.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { backtest, withDraft } from '../../src/core/backtest.ts';
import type { BacktestInput, BacktestResult } from '../../src/core/backtest.ts';
import type { CriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import type { CriteriaVersion } from '../../src/core/criteria/types.ts';
import type { Action } from '../../src/core/engine/input.ts';
import { at, BASE_CRITERIA, criteriaSet, signalsOf } from '../support/scenario.ts';
import type { Step } from '../support/scenario.ts';
import { closed, EXCLUDE_TEST, keyOf, press, put } from './engine/lifecycle-cases.ts';

/** A draft compiled as the service compiles it: BASE_CRITERIA with overrides. */
function draftOf(o: Record<string, unknown>): CriteriaVersion {
  const parsed = parseCriteriaText(stringify({ ...BASE_CRITERIA, change_notes: 'Draft.', ...o }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.versions[0]!.criteria;
}

const DAY = 24 * 60;

function run(steps: Step[], draft: CriteriaVersion, o: { criteria?: CriteriaSet; from?: number; to?: number; asOf?: number; records?: BacktestInput['records']; actions?: Action[] } = {}): BacktestResult {
  const r = backtest({
    criteria: o.criteria ?? criteriaSet(),
    draft,
    from: at(o.from ?? 0),
    to: at(o.to ?? DAY),
    asOf: at(o.asOf ?? 3 * DAY),
    signals: signalsOf(steps),
    actions: o.actions ?? [],
    records: o.records ?? [],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.result;
}

const id = (record: string, seq = 1) => `${keyOf('2026-11-03', record)}#${seq}`;

describe('backtest(): a draft that loosens within', () => {
  // Record 1 closes after 30 min, record 2 after 2 h, record 3 never: 1 h bills one, 3 h bills two.
  const steps = [press(0, '1'), closed(30, '1'), press(60, '2'), closed(180, '2'), press(120, '3')];
  // Run inside each test: a mutant that throws then fails that test instead of the file's loading.
  const loosened = () => run(steps, draftOf({ version: 2, within: '3h' }));

  it('counts both sides: presses, attempts, successes, billable, charge, yield, not billable by reason', () => {
    const r = loosened();
    expect(r.asIs).toEqual({ presses: 3, attempts: 3, successes: 1, billable: 1, pending: 0, charge: [{ currency: 'USD', minor: 100n }], yield: 1 / 3, notBillable: [{ reason: 'latency_breach', count: 2 }] });
    expect(r.withDraft).toEqual({ presses: 3, attempts: 3, successes: 2, billable: 2, pending: 0, charge: [{ currency: 'USD', minor: 200n }], yield: 2 / 3, notBillable: [{ reason: 'latency_breach', count: 1 }] });
  });

  it('lists the one outcome whose verdict changes, with its version on each side', () => {
    const r = loosened();
    expect(r.draftVersion).toBe(2);
    expect(r.changedCount).toBe(1);
    expect(r.changes).toEqual([
      {
        outcomeId: id('2'),
        criteriaId: 'resolve',
        objectType: 'ticket',
        recordId: '2',
        openedAt: at(60),
        before: { criteriaVersion: 1, status: 'not_billable', reason: 'latency_breach' },
        after: { criteriaVersion: 2, status: 'billable', reason: null },
      },
    ]);
  });

  it('the same draft as the versions in force changes nothing', () => {
    const same = run(steps, draftOf({ version: 2 }));
    expect(same.changes).toEqual([]);
    expect(same.withDraft).toEqual(same.asIs);
  });
});

describe('backtest(): a draft that adds an exclusion', () => {
  // Record 2 is a test ticket from its first snapshot, record 3 becomes one before its press.
  const steps = [press(0, '1'), closed(10, '1'), press(20, '2'), closed(30, '2'), put(35, { subject: 'a test' }, '3'), press(40, '3'), closed(50, '3')];
  const records = [{ objectType: 'ticket' as const, id: '2', properties: new Map([['subject', 'test: do not bill']]) }];
  const excluded = () => run(steps, draftOf({ version: 2, exclude: EXCLUDE_TEST }), { records });

  it('moves the test tickets from billable to not billable (excluded), and the charge with them', () => {
    const r = excluded();
    expect(r.asIs).toMatchObject({ attempts: 3, successes: 3, billable: 3, charge: [{ currency: 'USD', minor: 300n }], yield: 1, notBillable: [] });
    expect(r.withDraft).toMatchObject({ attempts: 3, billable: 1, charge: [{ currency: 'USD', minor: 100n }], notBillable: [{ reason: 'excluded', count: 2 }] });
    expect(r.changes.map((c) => [c.recordId, c.before?.status, c.after?.status, c.after?.reason])).toEqual([
      ['2', 'billable', 'not_billable', 'excluded'],
      ['3', 'billable', 'not_billable', 'excluded'],
    ]);
  });
});

describe('backtest(): the window', () => {
  // Presses at 0 (before), 90 and 150 (inside [60, 180)), 200 (after); record 2 closes at 200, after the window.
  const steps = [press(0, '1'), closed(10, '1'), press(90, '2'), closed(200, '2'), press(150, '3'), press(200, '4'), closed(210, '4')];
  const draft = draftOf({ version: 2, within: '3h' });

  it('counts only outcomes opened inside it; one opened inside settles on its inputs after it', () => {
    const r = run(steps, draft, { from: 60, to: 180 });
    expect(r.asIs).toMatchObject({ presses: 2, attempts: 2, successes: 0, billable: 0, pending: 0, notBillable: [{ reason: 'latency_breach', count: 2 }] });
    // Within 3 h record 2 succeeds at 200 (after the window) and record 3 is still open at asOf 240.
    const cut = run(steps, draft, { from: 60, to: 180, asOf: 240 });
    expect(cut.withDraft).toMatchObject({ attempts: 2, successes: 1, billable: 1, pending: 1, notBillable: [] });
    expect(cut.changes.map((c) => [c.recordId, c.before?.status, c.after?.status])).toEqual([
      ['2', 'not_billable', 'billable'],
      ['3', 'not_billable', 'open'],
    ]);
  });

  it('an empty window counts nothing', () => {
    const r = run(steps, draft, { from: 300, to: 400 });
    expect(r.asIs).toEqual({ presses: 0, attempts: 0, successes: 0, billable: 0, pending: 0, charge: [], yield: null, notBillable: [] });
    expect(r.changedCount).toBe(0);
  });

  it('the draft replaces a version scheduled inside the window and keeps one in force before it', () => {
    // v2 (within 3 h) from minute 100; the draft (within 10 min) from the window's start at 60.
    const criteria = criteriaSet({}, { version: 2, change_notes: 'Looser.', effective_from: new Date(at(100)).toISOString(), within: '3h' });
    const r = run(steps, draftOf({ version: 3, within: '10m' }), { criteria, from: 60, to: 180 });
    // As is: record 2 on v1 (no success in 1 h), record 3 on v2 (never closes). With the draft both on v3.
    expect(r.changes).toEqual([]);
    expect(r.asIs.notBillable).toEqual([{ reason: 'latency_breach', count: 2 }]);
    const set = withDraft(criteria, draftOf({ version: 2, within: '10m' }), at(60));
    if (!set.ok) throw new Error('refused');
    // Its number 2 is free once the scheduled v2 is dropped; v1 stays for what opened before the window.
    expect(set.version).toBe(2);
    expect([at(0), at(60), at(150)].map((t) => set.set.inForce('resolve', t)?.withinMs)).toEqual([3_600_000, 600_000, 600_000]);
  });
});

describe('backtest(): new ids, conflicts and the list of changes', () => {
  it('a draft with a new id adds its outcomes: changes with nothing before', () => {
    const r = run([press(0, '1'), closed(5, '1')], draftOf({ id: 'resolve-fast', version: 1, within: '10m' }));
    expect(r.asIs.attempts).toBe(1);
    expect(r.withDraft).toMatchObject({ attempts: 2, billable: 2, charge: [{ currency: 'USD', minor: 200n }] });
    expect(r.changes).toEqual([
      { outcomeId: `resolve-fast:ticket:1:2026-11-03#1`, criteriaId: 'resolve-fast', objectType: 'ticket', recordId: '1', openedAt: at(0), before: null, after: { criteriaVersion: 1, status: 'billable', reason: null } },
    ]);
  });

  it('a draft of an id on another object is refused, as data', () => {
    const r = backtest({ criteria: criteriaSet(), draft: draftOf({ version: 2, object: 'deal' }), from: at(0), to: at(DAY), asOf: at(DAY), signals: [], actions: [], records: [] });
    expect(r).toEqual({ ok: false, problems: [{ code: 'conflict', path: ['object'], message: expect.stringContaining('watches ticket in v1') }] });
  });

  it('lists the first 50 changes in opening order and counts them all', () => {
    const steps: Step[] = [];
    for (let i = 0; i < 60; i++) steps.push(press(i * 5, String(i)), closed(i * 5 + 90, String(i)));
    const r = run(steps, draftOf({ version: 2, within: '2h' }));
    expect(r.changedCount).toBe(60);
    expect(r.changes).toHaveLength(50);
    expect(r.changes.map((c) => c.recordId)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(r.withDraft.charge).toEqual([{ currency: 'USD', minor: 6000n }]);
  });
});

describe('backtest(): actions replay on both sides', () => {
  const by = { userId: 7, email: 'ann@example.com' };
  // Record 1 billable and then credited (an upheld dispute); record 2's press falls in a pause of the id.
  const actions: Action[] = [
    { type: 'open_dispute', at: at(20), by, outcomeId: id('1'), reason: 'Not ours.' },
    { type: 'resolve_dispute', at: at(30), by, outcomeId: id('1'), resolution: 'upheld', note: 'Checked.' },
    { type: 'pause', at: at(40), by, criteriaId: 'resolve', note: 'Hold on.' },
    { type: 'resume', at: at(60), by, criteriaId: 'resolve', note: 'Go.' },
  ];
  const steps = [press(0, '1'), closed(10, '1'), press(50, '2'), closed(55, '2'), press(70, '3'), closed(140, '3')];

  it('a credited outcome counts as billable and its credit in the charge; a paused press opens nothing', () => {
    const r = run(steps, draftOf({ version: 2, within: '3h' }), { actions });
    // Record 1: +1.00 then -1.00; record 3 bills only within 3 h.
    expect(r.asIs).toMatchObject({ presses: 2, attempts: 2, billable: 1, charge: [{ currency: 'USD', minor: 0n }], notBillable: [{ reason: 'latency_breach', count: 1 }] });
    expect(r.withDraft).toMatchObject({ presses: 2, attempts: 2, billable: 2, charge: [{ currency: 'USD', minor: 100n }], notBillable: [] });
    expect(r.changes.map((c) => [c.recordId, c.before?.status, c.after?.status])).toEqual([['3', 'not_billable', 'billable']]);
  });
});

describe('backtest(): edges a reader of the figures relies on', () => {
  const loose = draftOf({ version: 2, within: '3h' });

  it('the window includes its start and excludes its end', () => {
    const steps = [press(60, '1'), closed(70, '1'), press(180, '2'), closed(190, '2')];
    const r = run(steps, loose, { from: 60, to: 180 });
    expect(r.asIs).toMatchObject({ attempts: 1, billable: 1, charge: [{ currency: 'USD', minor: 100n }] });
  });

  it('a version effective at the window’s start is replaced; a draft numbered at or below a kept version is raised past it', () => {
    const criteria = criteriaSet({}, { version: 2, change_notes: 'Looser.', effective_from: new Date(at(60)).toISOString(), within: '3h' });
    const replaced = withDraft(criteria, draftOf({ version: 2, within: '10m' }), at(60));
    expect(replaced.ok && [replaced.version, replaced.set.inForce('resolve', at(60))?.withinMs]).toEqual([2, 600_000]);
    const raised = withDraft(criteria, draftOf({ version: 1, within: '10m' }), at(61));
    expect(raised.ok && [raised.version, raised.set.inForce('resolve', at(61))?.version, raised.set.inForce('resolve', at(60))?.version]).toEqual([3, 3, 2]);
  });

  it('the draft is in force from the window’s start, whatever effective_from it states', () => {
    const set = withDraft(criteriaSet(), draftOf({ version: 2, within: '10m', effective_from: '2030-01-01T00:00:00Z' }), at(60));
    expect(set.ok && set.set.inForce('resolve', at(60))?.withinMs).toBe(600_000);
  });

  it('another id’s outcomes are the same on both sides', () => {
    const criteria = criteriaSet({}, { id: 'other', within: '10m' });
    const r = run([press(0, '1'), closed(90, '1')], loose, { criteria });
    expect(r.asIs).toMatchObject({ attempts: 2, billable: 0 });
    expect(r.withDraft).toMatchObject({ attempts: 2, billable: 1 });
    expect(r.changes.map((c) => [c.criteriaId, c.before?.status, c.after?.status])).toEqual([['resolve', 'not_billable', 'billable']]);
  });

  it('a draft on a new id may watch another object', () => {
    const r = backtest({ criteria: criteriaSet(), draft: draftOf({ id: 'deal-won', object: 'deal' }), from: at(0), to: at(DAY), asOf: at(DAY), signals: [], actions: [], records: [] });
    expect(r.ok && r.result.draftVersion).toBe(1);
  });

  it('a draft that no longer presses loses the outcomes: changes with nothing after', () => {
    const r = run([press(0, '1'), closed(5, '1')], draftOf({ version: 2, trigger: { property: 'never_set' } }));
    expect(r.withDraft).toMatchObject({ presses: 0, attempts: 0, yield: null, charge: [] });
    expect(r.changes).toEqual([
      { outcomeId: id('1'), criteriaId: 'resolve', objectType: 'ticket', recordId: '1', openedAt: at(0), before: { criteriaVersion: 1, status: 'billable', reason: null }, after: null },
    ]);
  });

  it('the charge is given per currency, in currency order', () => {
    const r = run([press(0, '1'), closed(5, '1')], draftOf({ id: 'resolve-eur', price: { currency: 'EUR', model: 'flat', unit_amount: '2.50' } }));
    expect(r.withDraft.charge).toEqual([
      { currency: 'EUR', minor: 250n },
      { currency: 'USD', minor: 100n },
    ]);
  });

  it('lists not-billable reasons the most frequent first, ties by reason', () => {
    // Records 1 and 2 never close (latency_breach); 3 is a test ticket that closes (excluded with the draft).
    const steps = [press(0, '1'), press(1, '2'), put(2, { subject: 'a test' }, '3'), press(3, '3'), closed(4, '3')];
    const r = run(steps, draftOf({ version: 2, exclude: EXCLUDE_TEST }));
    expect(r.withDraft.notBillable).toEqual([
      { reason: 'latency_breach', count: 2 },
      { reason: 'excluded', count: 1 },
    ]);
    const tie = run([press(0, '1'), put(2, { subject: 'a test' }, '3'), press(3, '3'), closed(4, '3')], draftOf({ version: 2, exclude: EXCLUDE_TEST }));
    expect(tie.withDraft.notBillable.map((n) => n.reason)).toEqual(['excluded', 'latency_breach']);
  });
});
