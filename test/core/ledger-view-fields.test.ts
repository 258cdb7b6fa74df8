// cli.md outcome fields and summary (ledger-view.ts) in the cases the lifecycle tables leave out: stale fields of
// earlier states never show, a dispute reads exactly as cli.md shapes it, and the summary counts paused presses.
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/engine/decide.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { invoiceOf, outcomeView, summarize } from '../../src/core/ledger-view.ts';
import { at, criteriaSet, iso, run } from '../support/scenario.ts';
import type { Step } from '../support/scenario.ts';
import { closed, K, press, reopened } from './engine/lifecycle-cases.ts';

const ANN = { userId: 7, email: 'ann@example.com' };
const FIN = { userId: 8, email: 'finance@example.com' };
/** 2026-12-02T00:00Z in the scenario's minutes (after 2026-11-03T10:00Z). */
const DEC_2 = (28 * 24 + 14) * 60;

/** A ticket pressed at 0 and closed at 5 under `criteria`, then the disputes given (minutes, resolution or none). */
function disputed(criteria: Record<string, unknown>, steps: { open?: number; resolve?: [number, 'upheld' | 'rejected'] }, until = 10): Outcome {
  const set = criteriaSet(criteria);
  const state = run([press(0), closed(5)], { criteria: set, until }).states.get('ticket:1')!;
  if (steps.open !== undefined) decide(state, { type: 'open_dispute', at: at(steps.open), outcomeId: `${K}#1`, by: ANN, reason: 'Reopened.' }, set);
  if (steps.resolve !== undefined) {
    const [t, resolution] = steps.resolve;
    decide(state, { type: 'resolve_dispute', at: at(t), outcomeId: `${K}#1`, by: FIN, resolution, note: 'Checked.' }, set);
  }
  return state.outcomes[0]!;
}

describe('cli.md outcome fields: what an earlier state left behind is not shown', () => {
  const view = (steps: Step[], criteria: Record<string, unknown> = {}, until?: number) =>
    run(steps, { criteria: criteriaSet(criteria), ...(until === undefined ? {} : { until }) }).outcomes.map((o) => outcomeView(o));

  it('billable after a review: no review end, no deadline', () => {
    expect(view([press(0), closed(5)], { review_window: '1h' })).toEqual([
      expect.objectContaining({ status: 'billable', succeededAt: iso(5), settledAt: iso(65), reviewEndsAt: null, deadline: null, billingPeriod: '2026-11' }),
    ]);
  });

  it('reversed in review: not billable with its reason, and no review end, period or verification', () => {
    expect(view([press(0), closed(5), reopened(8)], { review_window: '1h' })).toEqual([
      expect.objectContaining({ status: 'not_billable', reason: 'reversed', label: null, reviewEndsAt: null, billingPeriod: null, verification: null, billedPeriod: null }),
    ]);
  });

  it('a billable outcome whose first try failed shows no reason', () => {
    expect(view([press(0), press(70), closed(75)], { retry_window: '2h' })).toEqual([
      expect.objectContaining({ status: 'billable', tries: 2, reason: null, deadline: null }),
    ]);
  });

  it('the times are ISO 8601 in UTC with milliseconds', () => {
    expect(view([press(0), closed(5)])[0]).toMatchObject({ openedAt: '2026-11-03T10:00:00.000Z', succeededAt: '2026-11-03T10:05:00.000Z', settledAt: '2026-11-03T10:05:00.000Z' });
  });
});

describe('cli.md dispute: the latest one, in exactly its shape', () => {
  it('no dispute: null', () => {
    expect(outcomeView(disputed({}, {})).dispute).toBeNull();
  });

  it('an open dispute: not yet resolved, and the outcome stays billable and verified', () => {
    const v = outcomeView(disputed({}, { open: 20 }));
    expect(v).toMatchObject({ status: 'billable', verification: 'signals', billingPeriod: '2026-11', billedPeriod: null, creditPeriod: null });
    expect(v.dispute).toEqual({ state: 'open', openedAt: iso(20), openedBy: ANN, reason: 'Reopened.', resolvedAt: null, resolvedBy: null, note: null });
  });

  it('a rejected dispute: resolved by whom, with the note; the outcome is still billed in its period', () => {
    const v = outcomeView(disputed({}, { open: 20, resolve: [30, 'rejected'] }));
    expect(v).toMatchObject({ status: 'billable', billingPeriod: '2026-11', billedPeriod: null, creditPeriod: null });
    expect(v.dispute).toEqual({ state: 'rejected', openedAt: iso(20), openedBy: ANN, reason: 'Reopened.', resolvedAt: iso(30), resolvedBy: FIN, note: 'Checked.' });
  });

  it('only the fields cli.md names, in its order, whatever else a stored dispute carries', () => {
    const o = disputed({}, { open: 20, resolve: [30, 'upheld'] });
    const stored = { ...o, dispute: { ...o.dispute!, extra: 1, openedBy: { ...ANN, name: 'Ann' }, resolvedBy: { ...FIN, portal: 11 } } } as Outcome;
    const d = outcomeView(stored).dispute!;
    expect(Object.keys(d)).toEqual(['state', 'openedAt', 'openedBy', 'reason', 'resolvedAt', 'resolvedBy', 'note']);
    expect(d.openedBy).toEqual(ANN);
    expect(d.resolvedBy).toEqual(FIN);
  });

  it('credited: the period billed and the period of the credit', () => {
    const v = outcomeView(disputed({}, { open: 20, resolve: [30, 'upheld'] }));
    expect(v).toMatchObject({ status: 'credited', billingPeriod: '2026-11', billedPeriod: '2026-11', creditPeriod: '2026-11', verification: 'signals' });
  });
});

describe('cli.md summary: paused presses and pending outcomes', () => {
  it('paused presses count in presses and paused, and belong to no attempt', () => {
    const r = run([press(0), closed(5)]);
    expect(summarize(r.outcomes, 3)).toMatchObject({ presses: 4, paused: 3, attempts: 1, billable: 1 });
    expect(summarize([], 2)).toEqual({ presses: 2, suppressed: 0, duplicates: 0, paused: 2, attempts: 0, successes: 0, billable: 0, credited: 0, pending: 0, byReason: {} });
    expect(summarize(r.outcomes)).toMatchObject({ presses: 1, paused: 0 });
  });

  it('outcomes not yet settled (open, in review, failed with a retry window left) are pending', () => {
    const criteria = criteriaSet({ retry_window: '2h', review_window: '1h' });
    const r = run([press(0), press(0, '2'), closed(5, '2'), press(30, '3')], { criteria, until: 61 });
    expect(r.outcomes.map((o) => o.status)).toEqual(['failed', 'in_review', 'open']);
    expect(summarize(r.outcomes)).toMatchObject({ attempts: 3, successes: 1, billable: 0, credited: 0, pending: 3, byReason: {} });
  });

  it('not-billable outcomes are counted by reason, one count per outcome', () => {
    const r = run([press(0), press('2026-11-04T10:00:00Z'), press('2026-11-05T10:00:00Z'), closed('2026-11-05T10:05:00Z')]);
    expect(summarize(r.outcomes)).toMatchObject({ attempts: 3, billable: 1, pending: 0, byReason: { latency_breach: 2 } });
  });
});

describe('invoiceOf: every billed outcome on its period’s line, credits where upheld', () => {
  it('a credited outcome stays on its charge line; its credit is in the period of the decision', () => {
    const o = disputed({}, { open: 20, resolve: [DEC_2, 'upheld'] });
    expect(invoiceOf([o], criteriaSet()).map((l) => [l.kind, l.period, l.quantity, l.amount])).toEqual([
      ['charge', '2026-11', 1, '1.00'],
      ['credit', '2026-12', -1, '-1.00'],
    ]);
  });

  it('outcomes not billed are on no line', () => {
    const r = run([press(0), press(0, '2'), closed(5, '2'), press(0, '3'), closed(3, '3')], { criteria: criteriaSet({ review_window: '1h' }), until: 30 });
    expect(invoiceOf(r.outcomes, criteriaSet({ review_window: '1h' }))).toEqual([]);
  });
});

describe('cli.md field rules hold for any stored outcome, not only for what the engine leaves behind', () => {
  // An outcome read back from the ledger may carry fields of an earlier state (or of an older version of the
  // service); the view shows each field only for the statuses cli.md gives it.
  const billable = (): Outcome => disputed({}, {});
  const stale = (o: Outcome, fields: Partial<Outcome>): Outcome => ({ ...o, ...fields });

  it('reason only for not_billable and failed; label only for an exclusion', () => {
    const o = billable();
    expect(outcomeView(stale(o, { reason: 'latency_breach', label: 'test_record' }))).toMatchObject({ reason: null, label: null });
    expect(outcomeView(stale(o, { status: 'in_review', reason: 'latency_breach', reviewEndsAt: at(65) }))).toMatchObject({ reason: null, reviewEndsAt: iso(65) });
    expect(outcomeView(stale(o, { reason: 'excluded', label: 'test_record' }))).toMatchObject({ reason: null, label: null });
    expect(outcomeView(stale(o, { status: 'failed', reason: 'policy_block', label: 'test_record' }))).toMatchObject({ reason: 'policy_block', label: null });
    expect(outcomeView(stale(o, { status: 'not_billable', reason: 'reversed', label: 'test_record' }))).toMatchObject({ reason: 'reversed', label: null });
    expect(outcomeView(stale(o, { status: 'not_billable', reason: 'excluded', label: 'test_record' }))).toMatchObject({ reason: 'excluded', label: 'test_record' });
  });

  it('billing period only for billable and credited; review end only in review', () => {
    const o = billable();
    expect(outcomeView(stale(o, { status: 'not_billable', reason: 'reversed', reviewEndsAt: at(65) }))).toMatchObject({ billingPeriod: null, reviewEndsAt: null, verification: null });
    expect(outcomeView(stale(o, { status: 'open' }))).toMatchObject({ billingPeriod: null, deadline: iso(60), verification: null });
  });

  it('a billed outcome without a billing period, or a credit without its period, is on no invoice line', () => {
    const o = billable();
    expect(invoiceOf([stale(o, { billingPeriod: null })], criteriaSet())).toEqual([]);
    expect(invoiceOf([stale(o, { status: 'open' }), stale(o, { status: 'not_billable', reason: 'reversed' })], criteriaSet())).toEqual([]);
    expect(invoiceOf([stale(o, { status: 'credited', creditedAt: at(30), creditPeriod: null })], criteriaSet()).map((l) => l.kind)).toEqual(['charge']);
    expect(invoiceOf([stale(o, { status: 'credited', creditedAt: null, creditPeriod: '2026-11' })], criteriaSet()).map((l) => l.kind)).toEqual(['charge']);
  });

  it('a not-billable outcome without a reason is counted as pending, under no reason', () => {
    const o = stale(billable(), { status: 'not_billable', reason: null });
    expect(summarize([o])).toMatchObject({ pending: 1, byReason: {} });
  });
});
