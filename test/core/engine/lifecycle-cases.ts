// Test support for the lifecycle tables: the steps they are written in, the Case shape, and its check.
import { expect } from 'vitest';
import type { Outcome, TrailEntry } from '../../../src/core/engine/outcome.ts';
import { outcomeView } from '../../../src/core/ledger-view.ts';
import type { OutcomeView } from '../../../src/core/ledger-view.ts';
import type { SimulationResult } from '../../../src/core/simulate.ts';
import { criteriaSet, iso, run } from '../../support/scenario.ts';
import type { ScenarioOptions, Step } from '../../support/scenario.ts';

export const TRIGGER = 'agent_started_at';
export const FAIL_IF = "agent_status = 'error'";
export const EXCLUDE_TEST = [{ if: "subject CONTAINS 'test'", label: 'test_record' }];
export const NY = 'America/New_York';
/** A trigger with a `when`: a press only while the record's agent_action is `resolve`. */
export const WHEN = { property: TRIGGER, when: "agent_action = 'resolve'" };
export const CAP1 = { cap: { max: 1, per: 'record', period: 'day' } };

const rec = (record?: string): Partial<Step> => (record === undefined ? {} : { record });
export const press = (t: string | number, record?: string, value = 'x'): Step => ({ at: t, set: { [TRIGGER]: value }, ...rec(record) });
export const put = (t: string | number, props: Record<string, string>, record?: string): Step => ({ at: t, set: props, ...rec(record) });
export const closed = (t: string | number, record?: string): Step => put(t, { stage: 'closed' }, record);
export const reopened = (t: string | number, record?: string): Step => put(t, { stage: 'open' }, record);
export const failSignal = (t: string | number, record?: string): Step => put(t, { agent_status: 'error' }, record);
export const v2 = (from: string | number, o: Record<string, unknown> = {}): Record<string, unknown> => ({
  version: 2,
  change_notes: 'Second version.',
  effective_from: iso(from),
  ...o,
});
export const keyOf = (bucket = '2026-11-03', record = '1', id = 'resolve'): string => `${id}:ticket:${record}:${bucket}`;
export const K = keyOf();

export interface Case {
  rule: string;
  /** Overrides of the base criteria, one per version (default: the base criteria alone). */
  criteria?: Record<string, unknown>[];
  records?: ScenarioOptions['records'];
  steps: Step[];
  until?: string | number;
  /** Every outcome, in ledger order. */
  expect: Partial<OutcomeView>[];
  /** Further checks on the raw result (trail, ...). */
  check?: (r: SimulationResult) => void;
}

export function simulateCase(c: Pick<Case, 'criteria' | 'records' | 'steps' | 'until'>): SimulationResult {
  const opts: ScenarioOptions = { criteria: criteriaSet(...(c.criteria ?? [])) };
  if (c.records !== undefined) opts.records = c.records;
  if (c.until !== undefined) opts.until = c.until;
  return run(c.steps, opts);
}

/** Simulates the case, matches every outcome against `expect`, runs `check`, and returns the views. */
export function checkedViews(c: Case): OutcomeView[] {
  const r = simulateCase(c);
  const views = r.outcomes.map((o) => outcomeView(o));
  expect(views).toMatchObject(c.expect);
  c.check?.(r);
  return views;
}

export function checkCase(c: Case): void {
  checkedViews(c);
}

export const transitions = (o: Outcome): Extract<TrailEntry, { type: 'transition' }>[] =>
  o.trail.filter((e): e is Extract<TrailEntry, { type: 'transition' }> => e.type === 'transition');

// ---- one scenario with a bit of everything, for the order and audit-trail tests ------------------

export const ORDER_CRITERIA = [{ review_window: '1h', retry_window: '30m', cooldown: '2m', fail_if: FAIL_IF, exclude: EXCLUDE_TEST }];
/** Distinct event times within each record (ties are covered separately). */
export const ORDER_STEPS: Step[] = [
  press(0, '1'),
  press(1, '1'),
  closed(5, '1'),
  reopened(10, '1'),
  press(15, '1'),
  closed(20, '1'),
  press(2, '2'),
  failSignal(7, '2'),
  put(9, { agent_status: 'ok' }, '2'),
  press(12, '2'),
  closed(70, '2'),
  press(3, '3'),
  put(4, { subject: 'test' }, '3'),
  reopened('2026-11-04T09:00:00Z', '1'),
  press('2026-11-04T10:00:00Z', '1'),
  press('2026-11-04T10:10:00Z', '1'),
];
export const ORDER_EXPECTED: Partial<OutcomeView>[] = [
  { outcomeId: `${keyOf('2026-11-03', '1')}#1`, status: 'billable', tries: 2, suppressed: 1, succeededAt: iso(20), settledAt: iso(80) },
  { outcomeId: `${keyOf('2026-11-03', '2')}#1`, status: 'billable', tries: 2, succeededAt: iso(70), settledAt: iso(130) },
  { outcomeId: `${keyOf('2026-11-03', '3')}#1`, status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(4) },
  { outcomeId: `${keyOf('2026-11-04', '1')}#1`, status: 'not_billable', reason: 'latency_breach', tries: 2 },
];

// ---- review -------------------------------------------------------------------------------------

export const APPROVE_IF = "billing_review = 'approved'";
export const REJECT_IF = "billing_review = 'rejected'";
export const REVIEW = { review_window: '1h' };
export const review = (t: string | number, value: string, record?: string): Step => put(t, { billing_review: value }, record);
