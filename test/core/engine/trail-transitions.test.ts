// The audit trail's transitions (contract §3–§5): each status change with its cause, its reason and, for an exclusion, its label.
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/engine/outcome.ts';
import { at } from '../../support/scenario.ts';
import type { Step } from '../../support/scenario.ts';
import { APPROVE_IF, CAP1, EXCLUDE_TEST, FAIL_IF, REJECT_IF, closed, failSignal, press, put, reopened, review, simulateCase, transitions } from './lifecycle-cases.ts';

/** Each transition of the record's attempts as the trail holds it, minus the version every entry carries. */
function transitionsOf(criteria: Record<string, unknown>[], steps: Step[], until?: number): Record<string, unknown>[][] {
  return simulateCase({ criteria, steps, ...(until === undefined ? {} : { until }) }).outcomes.map((o: Outcome) =>
    transitions(o).map(({ version: _version, type: _type, ...rest }) => rest),
  );
}

describe('trail: transitions, each with its cause and reason', () => {
  it('success with no review window: open → billable by the signal, no reason', () => {
    expect(transitionsOf([{}], [press(0), closed(5)])).toEqual([[{ at: at(5), from: 'open', to: 'billable', cause: 'signal' }]]);
  });

  it("an exclusion: not_billable by the signal, reason excluded, with the rule's label", () => {
    expect(transitionsOf([{ exclude: EXCLUDE_TEST }], [press(0), put(5, { subject: 'a test' })])).toEqual([
      [{ at: at(5), from: 'open', to: 'not_billable', cause: 'signal', reason: 'excluded', label: 'test_record' }],
    ]);
  });

  it('over the cap: not_billable by the signal, reason cap_reached, no label', () => {
    expect(transitionsOf([{ ...CAP1, retry_window: '30m' }], [press(0), closed(5), reopened(40), press(41), closed(42)])[1]).toEqual([
      { at: at(42), from: 'open', to: 'not_billable', cause: 'signal', reason: 'cap_reached' },
    ]);
  });

  it('fail_if within the retry window: failed by the signal, then not_billable at the window end, keeping the reason', () => {
    expect(transitionsOf([{ fail_if: FAIL_IF, retry_window: '30m' }], [press(0), failSignal(5)])).toEqual([
      [
        { at: at(5), from: 'open', to: 'failed', cause: 'signal', reason: 'unclassified' },
        { at: at(30), from: 'failed', to: 'not_billable', cause: 'retry_window_end', reason: 'unclassified' },
      ],
    ]);
  });

  it('fail_if after the retry window: failed and settled at once, both by the signal', () => {
    expect(transitionsOf([{ fail_if: FAIL_IF }], [press(0), failSignal(5)])).toEqual([
      [
        { at: at(5), from: 'open', to: 'failed', cause: 'signal', reason: 'unclassified' },
        { at: at(5), from: 'failed', to: 'not_billable', cause: 'signal', reason: 'unclassified' },
      ],
    ]);
  });

  it('the deadline: failed and settled by the deadline timer, reason latency_breach', () => {
    expect(transitionsOf([{}], [press(0)])).toEqual([
      [
        { at: at(60), from: 'open', to: 'failed', cause: 'deadline', reason: 'latency_breach' },
        { at: at(60), from: 'failed', to: 'not_billable', cause: 'deadline', reason: 'latency_breach' },
      ],
    ]);
  });

  it('a retry of a failed try: failed → open by the signal, no reason', () => {
    const [trail] = transitionsOf([{ fail_if: FAIL_IF, retry_window: '30m' }], [press(0), failSignal(5), put(6, { agent_status: 'ok' }), press(10)], 11);
    expect(trail!.at(-1)).toEqual({ at: at(10), from: 'failed', to: 'open', cause: 'signal' });
  });

  it('in review: reversed by the signal (failed, then settled), rejected by reject_if, approved by approve_if', () => {
    const REVIEWED = { review_window: '1h', approve_if: APPROVE_IF, reject_if: REJECT_IF };
    expect(transitionsOf([REVIEWED], [press(0), closed(5), reopened(10)])[0]!.slice(1)).toEqual([
      { at: at(10), from: 'in_review', to: 'failed', cause: 'signal', reason: 'reversed' },
      { at: at(10), from: 'failed', to: 'not_billable', cause: 'signal', reason: 'reversed' },
    ]);
    expect(transitionsOf([REVIEWED], [press(0), closed(5), review(10, 'rejected')])).toEqual([
      [
        { at: at(5), from: 'open', to: 'in_review', cause: 'signal' },
        { at: at(10), from: 'in_review', to: 'not_billable', cause: 'signal', reason: 'human_review_fail' },
      ],
    ]);
    expect(transitionsOf([REVIEWED], [press(0), closed(5), review(10, 'approved')])[0]!.at(-1)).toEqual({ at: at(10), from: 'in_review', to: 'billable', cause: 'signal' });
  });

  it('the review end: billable on confirm, not_billable (human_review_fail) on reject, both by the review-end timer', () => {
    expect(transitionsOf([{ review_window: '1h' }], [press(0), closed(5)])[0]!.at(-1)).toEqual({ at: at(65), from: 'in_review', to: 'billable', cause: 'review_end' });
    expect(transitionsOf([{ review_window: '1h', on_timeout: 'reject' }], [press(0), closed(5)])[0]!.at(-1)).toEqual({
      at: at(65),
      from: 'in_review',
      to: 'not_billable',
      cause: 'review_end',
      reason: 'human_review_fail',
    });
  });
});

describe('trail: the opening press', () => {
  it('a press opens an attempt: open, one try, deadline within, nothing settled, over no limit, the press its first entry', () => {
    const [o] = simulateCase({ criteria: [{}], steps: [press(0)], until: 1 }).outcomes;
    expect({ ...o, trail: o!.trail.slice(0, 1) }).toEqual({
      outcomeId: 'resolve:ticket:1:2026-11-03#1',
      idempotencyKey: 'resolve:ticket:1:2026-11-03',
      seq: 1,
      criteriaId: 'resolve',
      criteriaVersion: 1,
      objectType: 'ticket',
      recordId: '1',
      status: 'open',
      reason: null,
      label: null,
      tries: 1,
      suppressed: 0,
      duplicates: 0,
      openedAt: at(0),
      lastPressAt: at(0),
      deadline: at(60),
      succeededAt: null,
      reviewEndsAt: null,
      settledAt: null,
      billingPeriod: null,
      dispute: null,
      agentId: null,
      costCentre: null,
      overLimit: false,
      creditedAt: null,
      creditPeriod: null,
      trail: [{ at: at(0), version: 1, type: 'opened', ref: 'step:0' }],
    });
  });
});
