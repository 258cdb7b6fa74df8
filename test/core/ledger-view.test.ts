// The ledger as people read it (ledger-view.ts): the summary's counts and the outcome view's field rules (cli.md).
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/engine/decide.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { compareOutcomes, outcomeView, summarize } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import type { Signal } from '../../src/core/types.ts';
import { at, criteriaSet, iso, run, signalsOf } from '../support/scenario.ts';
import type { Step } from '../support/scenario.ts';
import { CAP1, closed, EXCLUDE_TEST, K, press, put, reopened } from './engine/lifecycle-cases.ts';

const NO_REASONS = {};

describe('cli.md summary: successes count every outcome that succeeded, whatever became of it', () => {
  it.each([
    {
      rule: 'a success reversed in review (not billable, succeededAt kept) is a success',
      criteria: { review_window: '1h' },
      steps: [press(0), closed(5), reopened(8)],
      summary: { presses: 1, attempts: 1, successes: 1, billable: 0, credited: 0, pending: 0, byReason: { reversed: 1 } },
    },
    {
      rule: 'a success over the cap (not billable, cap_reached) is a success',
      criteria: CAP1,
      steps: [press(0), closed(5), reopened(6), press(10), closed(15)],
      summary: { presses: 2, attempts: 2, successes: 2, billable: 1, credited: 0, pending: 0, byReason: { cap_reached: 1 } },
    },
    {
      rule: 'a success still in review (pending) is a success',
      criteria: { review_window: '1h' },
      steps: [press(0), closed(5)],
      until: 10,
      summary: { presses: 1, attempts: 1, successes: 1, billable: 0, credited: 0, pending: 1, byReason: NO_REASONS },
    },
    {
      rule: 'an attempt that never succeeded is not a success',
      criteria: {},
      steps: [press(0)],
      summary: { presses: 1, attempts: 1, successes: 0, billable: 0, credited: 0, pending: 0, byReason: { latency_breach: 1 } },
    },
  ] as { rule: string; criteria: Record<string, unknown>; steps: Step[]; until?: number; summary: object }[])('$rule', (c) => {
    const r = run(c.steps, { criteria: criteriaSet(c.criteria), ...(c.until === undefined ? {} : { until: c.until }) });
    expect(r.summary).toEqual({ suppressed: 0, duplicates: 0, paused: 0, ...c.summary });
  });

  it('a credited outcome is a success and counted as credited, not billable', () => {
    const criteria = criteriaSet();
    const r = run([press(0), closed(5)], { criteria, until: 10 });
    const state = r.states.get('ticket:1')!;
    const by = { userId: 7, email: 'ann@example.com' };
    decide(state, { type: 'open_dispute', at: at(20), outcomeId: `${K}#1`, by, reason: 'Reopened.' }, criteria);
    decide(state, { type: 'resolve_dispute', at: at(30), outcomeId: `${K}#1`, by, resolution: 'upheld', note: 'Agreed.' }, criteria);
    expect(summarize(state.outcomes)).toEqual({ presses: 1, suppressed: 0, duplicates: 0, attempts: 1, successes: 1, billable: 0, credited: 1, pending: 0, byReason: {}, paused: 0 });
  });

  it('presses add up first tries, retries, duplicates and suppressed presses', () => {
    const criteria = criteriaSet({ retry_window: '30m', cooldown: '2m', review_window: '1h' });
    // 0 opens, 1 is suppressed (cooldown), 10 retries, 20 succeeds, 30 is a duplicate (in review).
    const r = run([press(0), press(1), press(10), closed(20), press(30)], { criteria });
    expect(r.summary).toEqual({ presses: 4, suppressed: 1, duplicates: 1, attempts: 1, successes: 1, billable: 1, credited: 0, pending: 0, byReason: {}, paused: 0 });
  });
});

describe('cli.md outcome fields: each shown only for the statuses it belongs to', () => {
  const view = (steps: Step[], criteria: Record<string, unknown> = {}, until?: number) =>
    run(steps, { criteria: criteriaSet(criteria), ...(until === undefined ? {} : { until }) }).outcomes.map((o) => outcomeView(o));

  it('open: the deadline of the current try; no review end, period, reason or verification', () => {
    expect(view([press(0)], {}, 10)).toEqual([
      expect.objectContaining({ status: 'open', deadline: iso(60), reviewEndsAt: null, billingPeriod: null, reason: null, label: null, settledAt: null, verification: null, billedPeriod: null, creditPeriod: null }),
    ]);
  });

  it('in review: when the review ends; no deadline', () => {
    expect(view([press(0), closed(5)], { review_window: '1h' }, 10)).toEqual([
      expect.objectContaining({ status: 'in_review', deadline: null, reviewEndsAt: iso(65), succeededAt: iso(5), verification: null }),
    ]);
  });

  it('failed (under --until): the failed try’s reason; no deadline', () => {
    expect(view([press(0)], { retry_window: '2h' }, 61)).toEqual([expect.objectContaining({ status: 'failed', reason: 'latency_breach', deadline: null, label: null })]);
  });

  it('billable: its billing period, verified by signals', () => {
    expect(view([press(0), closed(5)])).toEqual([
      expect.objectContaining({ status: 'billable', billingPeriod: '2026-11', settledAt: iso(5), verification: 'signals', reason: null, deadline: null, reviewEndsAt: null, billedPeriod: null }),
    ]);
  });

  it('not billable: the reason, and the label only for an exclusion', () => {
    expect(view([press(0), put(1, { subject: 'test' })], { exclude: EXCLUDE_TEST })).toEqual([
      expect.objectContaining({ status: 'not_billable', reason: 'excluded', label: 'test_record', billingPeriod: null, verification: null }),
    ]);
    expect(view([press(0)])).toEqual([expect.objectContaining({ status: 'not_billable', reason: 'latency_breach', label: null })]);
  });

  it('billable at a CRM read of the settlement instant: verified by signals + CRM read', () => {
    const criteria = criteriaSet({ review_window: '1h' });
    const read: Signal = { kind: 'crm_read', objectType: 'ticket', recordId: '1', at: at(65), found: true, properties: { stage: 'closed' } };
    const r = simulate({ criteria, records: [], signals: [...signalsOf([press(0), closed(5)]), read], until: null });
    expect(outcomeView(r.outcomes[0]!)).toMatchObject({ status: 'billable', settledAt: iso(65), verification: 'signals + CRM read' });
  });

  it('a CRM read at another instant than the settlement does not verify it', () => {
    const criteria = criteriaSet({ review_window: '1h' });
    const read: Signal = { kind: 'crm_read', objectType: 'ticket', recordId: '1', at: at(30), found: true, properties: { stage: 'closed' } };
    const r = simulate({ criteria, records: [], signals: [...signalsOf([press(0), closed(5)]), read], until: null });
    expect(outcomeView(r.outcomes[0]!)).toMatchObject({ status: 'billable', settledAt: iso(65), verification: 'signals' });
  });

  it('credited: keeps the period it was billed in (cli.md), and names the period of its credit', () => {
    const criteria = criteriaSet();
    const state = run([press(0), closed(5)], { criteria, until: 10 }).states.get('ticket:1')!;
    const by = { userId: 7, email: 'ann@example.com' };
    decide(state, { type: 'open_dispute', at: at(20), outcomeId: `${K}#1`, by, reason: 'Reopened.' }, criteria);
    decide(state, { type: 'resolve_dispute', at: Date.parse('2026-12-02T00:00:00Z'), outcomeId: `${K}#1`, by, resolution: 'upheld', note: 'Agreed.' }, criteria);
    expect(outcomeView(state.outcomes[0]!)).toMatchObject({
      status: 'credited',
      billingPeriod: '2026-11',
      billedPeriod: '2026-11',
      creditPeriod: '2026-12',
      verification: 'signals',
      dispute: { state: 'upheld', openedAt: iso(20), resolvedAt: '2026-12-02T00:00:00.000Z', reason: 'Reopened.', note: 'Agreed.', openedBy: by, resolvedBy: by },
    });
  });

  it('the trail only on request, each time in ISO; a late signal’s own time too', () => {
    const criteria = criteriaSet();
    const state = run([press(0)], { criteria, until: 10 }).states.get('ticket:1')!;
    decide(state, { kind: 'property', objectType: 'ticket', recordId: '1', at: at(3), property: 'stage', value: 'open' }, criteria);
    const o = state.outcomes[0]!;
    expect(outcomeView(o)).not.toHaveProperty('trail');
    const trail = outcomeView(o, true).trail!;
    expect(trail[0]).toEqual({ at: iso(0), version: 1, type: 'opened', ref: 'step:0' });
    expect(trail.find((e) => e.type === 'late')).toEqual({ at: new Date(at(10) + 1).toISOString(), version: 1, type: 'late', signalAt: iso(3) });
  });
});

describe('cli.md ledger order: openedAt, then idempotency key, then sequence number', () => {
  it('sorts outcomes of several records and keys', () => {
    const r = run([press(5, '2'), press(0, '3'), press(5, '1'), put(6, { stage: 'x' }, '1'), press('2026-11-03T11:30:00Z', '1')], { criteria: criteriaSet({ idempotency_period: 'none' }) });
    expect(r.outcomes.map((o) => o.outcomeId)).toEqual(['resolve:ticket:3:all#1', 'resolve:ticket:1:all#1', 'resolve:ticket:2:all#1', 'resolve:ticket:1:all#2']);
  });

  it('compares by each field in turn', () => {
    const o = (openedAt: number, idempotencyKey: string, seq: number) => ({ openedAt, idempotencyKey, seq }) as Outcome;
    expect(compareOutcomes(o(1, 'b', 1), o(2, 'a', 1))).toBeLessThan(0);
    expect(compareOutcomes(o(2, 'a', 1), o(1, 'b', 1))).toBeGreaterThan(0);
    expect(compareOutcomes(o(1, 'a', 2), o(1, 'b', 1))).toBeLessThan(0);
    expect(compareOutcomes(o(1, 'b', 1), o(1, 'a', 2))).toBeGreaterThan(0);
    expect(compareOutcomes(o(1, 'a', 1), o(1, 'a', 2))).toBeLessThan(0);
    expect(compareOutcomes(o(1, 'a', 3), o(1, 'a', 2))).toBeGreaterThan(0);
    expect(compareOutcomes(o(1, 'a', 2), o(1, 'a', 2))).toBe(0);
  });
});
