// simulate() with operator actions (contract §7): disputes go to their outcome's record, every refusal is
// returned in the order taken, --until drops later actions, and a run without actions is unchanged.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/engine/input.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import { at, criteriaSet, iso, run } from '../support/scenario.ts';
import { closed, K, press } from './engine/lifecycle-cases.ts';

const BY = { userId: 7, email: 'ann@example.com' };
const FINANCE = { userId: 8, email: 'finance@example.com' };
const open = (t: number, outcomeId = `${K}#1`, reason = 'Customer says no.'): Action => ({ type: 'open_dispute', at: at(t), by: BY, outcomeId, reason });
const resolve = (t: number, resolution: 'upheld' | 'rejected', outcomeId = `${K}#1`, note = 'Checked.'): Action => ({ type: 'resolve_dispute', at: at(t), by: FINANCE, outcomeId, resolution, note });
const pause = (t: number, criteriaId = 'resolve'): Action => ({ type: 'pause', at: at(t), by: BY, criteriaId, note: 'Hold on.' });

const BILLED = [press(0), closed(5)];
const refusals = (actions: Action[], steps = BILLED, until?: number) =>
  run(steps, { actions, ...(until === undefined ? {} : { until }) }).refused.map((r) => [r.action.type, new Date(r.action.at).toISOString(), r.error.code]);

describe('simulate(): disputes', () => {
  it('§5 a dispute goes to its outcome’s record and is applied in time order with the record’s signals', () => {
    const r = run([...BILLED, press(0, '2'), closed(5, '2')], { actions: [resolve(30, 'upheld'), open(20)] });
    // Given out of order: the resolution at 30 comes after the dispute at 20, as taken in time.
    expect(r.refused).toEqual([]);
    const [one, two] = r.outcomes.map((o) => outcomeView(o));
    expect(one).toMatchObject({ recordId: '1', status: 'credited', dispute: { state: 'upheld', openedAt: iso(20), resolvedAt: iso(30) } });
    expect(two).toMatchObject({ recordId: '2', status: 'billable', dispute: null });
    expect(r.invoice.map((l) => [l.kind, l.quantity, l.amount])).toEqual([['charge', 2, '2.00'], ['credit', -1, '-1.00']]);
  });

  it('§7 at one instant signals come before actions: a dispute at the settling instant applies', () => {
    const r = run(BILLED, { actions: [open(5)] });
    expect(r.refused).toEqual([]);
    expect(outcomeView(r.outcomes[0]!).dispute).toMatchObject({ state: 'open', openedAt: iso(5) });
  });

  it('§7 actions at one instant apply in the order taken: opened, then upheld', () => {
    const r = run(BILLED, { actions: [open(20), resolve(20, 'upheld')] });
    expect(r.refused).toEqual([]);
    expect(r.outcomes[0]!.status).toBe('credited');
  });

  it('§7 the same two, taken the other way round: the resolution is refused (no open dispute), the dispute stays open', () => {
    const r = run(BILLED, { actions: [resolve(20, 'upheld'), open(20)] });
    expect(r.refused.map((x) => x.error.code)).toEqual(['no_open_dispute']);
    expect(r.outcomes[0]!.status).toBe('billable');
  });

  it.each([
    ['a record with no signals', `resolve:ticket:99:2026-11-03#1`],
    ['an id that is not an outcome id', 'not-an-outcome'],
    ['an object type that is not in the run', `resolve:deal:1:2026-11-03#1`],
    ['an outcome the record does not have', `${K}#2`],
  ])('§7 a dispute of an unknown outcome is refused (unknown_outcome): %s', (_name, outcomeId) => {
    expect(refusals([open(20, outcomeId)])).toEqual([['open_dispute', iso(20), 'unknown_outcome']]);
  });

  it('§5 refusals say why: not billable, a second open dispute, a blank reason', () => {
    expect(refusals([open(2)], [press(0)])).toEqual([['open_dispute', iso(2), 'not_disputable']]);
    expect(refusals([open(20), open(21)])).toEqual([['open_dispute', iso(21), 'not_disputable']]);
    expect(refusals([open(20, `${K}#1`, '  ')])).toEqual([['open_dispute', iso(20), 'invalid_dispute']]);
  });
});

describe('simulate(): refusals and --until', () => {
  it('§7 every refusal, pause and dispute alike, in time order whatever order they were given in', () => {
    const actions = [open(40, 'nope'), pause(30, 'unknown-id'), resolve(10, 'upheld'), pause(30, 'also-unknown')];
    expect(refusals(actions)).toEqual([
      ['resolve_dispute', iso(10), 'no_open_dispute'],
      ['pause', iso(30), 'unknown_criteria'],
      ['pause', iso(30), 'unknown_criteria'],
      ['open_dispute', iso(40), 'unknown_outcome'],
    ]);
    // Ties keep the order given.
    const r = run(BILLED, { actions });
    expect(r.refused.filter((x) => x.action.type === 'pause').map((x) => (x.action.type === 'pause' ? x.action.criteriaId : ''))).toEqual(['unknown-id', 'also-unknown']);
  });

  it('cli.md --until drops every action after it, refused or not; one exactly at it applies', () => {
    const r = run(BILLED, { actions: [open(10), resolve(20, 'upheld'), open(30, 'nope')], until: 10 });
    expect(r.refused).toEqual([]);
    expect(outcomeView(r.outcomes[0]!)).toMatchObject({ status: 'billable', dispute: { state: 'open', openedAt: iso(10) } });
  });

  it('a run without actions (absent or empty) gives the same ledger and no refusals', () => {
    const criteria = criteriaSet({ review_window: '1h' });
    const steps = [press(0), closed(5), press(0, '2')];
    const a = run(steps, { criteria });
    const b = run(steps, { criteria, actions: [] });
    expect(a.refused).toEqual([]);
    expect(b.outcomes.map((o) => outcomeView(o, true))).toEqual(a.outcomes.map((o) => outcomeView(o, true)));
    expect(b.summary).toEqual({ ...a.summary, paused: 0 });
  });
});
