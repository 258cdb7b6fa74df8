// The ledger as people read it (ledger-view.ts): the summary's counts and the outcome view's field rules (cli.md).
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/engine/decide.ts';
import { summarize } from '../../src/core/ledger-view.ts';
import { at, criteriaSet, run } from '../support/scenario.ts';
import type { Step } from '../support/scenario.ts';
import { CAP1, closed, K, press, reopened } from './engine/lifecycle-cases.ts';

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
