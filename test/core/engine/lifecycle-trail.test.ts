// Lifecycle tables: the audit trail every outcome carries (time order, pinned version, each step once).
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/engine/outcome.ts';
import { at, iso } from '../../support/scenario.ts';
import { CAP1, checkCase, closed, FAIL_IF, failSignal, ORDER_CRITERIA, ORDER_EXPECTED, ORDER_STEPS, press, put, reopened, simulateCase, transitions, v2 } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

/** Time order, the pinned version on every entry, one `opened` first, and transitions chained once each. */
function assertTrail(o: Outcome): void {
  const ctx = o.outcomeId;
  expect(o.trail.length, ctx).toBeGreaterThan(0);
  expect(o.trail[0]!.type, ctx).toBe('opened');
  expect(o.trail[0]!.at, ctx).toBe(o.openedAt);
  expect(o.trail.filter((e) => e.type === 'opened').length, ctx).toBe(1);
  for (let i = 1; i < o.trail.length; i++) expect(o.trail[i]!.at, ctx).toBeGreaterThanOrEqual(o.trail[i - 1]!.at);
  for (const e of o.trail) expect(e.version, ctx).toBe(o.criteriaVersion);
  expect(o.trail.filter((e) => e.type === 'retry').length, ctx).toBe(o.tries - 1);
  expect(o.trail.filter((e) => e.type === 'suppressed').length, ctx).toBe(o.suppressed);
  expect(o.trail.filter((e) => e.type === 'duplicate').length, ctx).toBe(o.duplicates);
  const ts = transitions(o);
  let status = 'open';
  for (const t of ts) {
    expect(t.from, ctx).toBe(status);
    expect(t.to, ctx).not.toBe(t.from);
    status = t.to;
  }
  expect(status, ctx).toBe(o.status);
  const settling = ts.filter((t) => t.to === 'billable' || t.to === 'not_billable');
  expect(settling.length, ctx).toBeLessThanOrEqual(1);
  if (o.settledAt !== null) expect(settling[0]?.at, ctx).toBe(o.settledAt);
}

const trailScenarios: Case[] = [
  { rule: 'audit trail: the order scenario (retries, suppressed, reversal, exclusion, failure)', criteria: ORDER_CRITERIA, steps: ORDER_STEPS, expect: ORDER_EXPECTED },
  { rule: 'audit trail: cap, duplicates and review', criteria: [{ ...CAP1, review_window: '1h', retry_window: '30m' }], steps: [press(0), closed(5), press(10), press(40), reopened(41), closed(42)], expect: [{ duplicates: 1 }, { status: 'not_billable', reason: 'cap_reached' }] },
  {
    rule: 'audit trail: a v1 attempt’s entries carry version 1 after v2 takes effect',
    criteria: [{ retry_window: '2h', review_window: '1h' }, v2(5, { retry_window: '2h' })],
    steps: [press(0), press(30), closed(70), press(80)],
    expect: [{ criteriaVersion: 1, tries: 2, status: 'billable', duplicates: 1 }],
  },
  { rule: 'audit trail: failure, retry of the failed attempt, settlement at the retry-window end', criteria: [{ retry_window: '2h', fail_if: FAIL_IF }], steps: [press(0), failSignal(5), put(6, { agent_status: 'ok' }), press(10)], expect: [{ status: 'not_billable', reason: 'latency_breach', tries: 2, settledAt: iso(120) }] },
  { rule: 'audit trail: pending attempts under --until', criteria: [{ retry_window: '2h', review_window: '1h' }], steps: [press(0, '1'), closed(5, '1'), press(0, '2')], until: 61, expect: [{ status: 'in_review' }, { status: 'failed' }] },
  { rule: 'audit trail: deletion and restore', criteria: [{ review_window: '1h', retry_window: '30m' }], steps: [press(0), closed(5), { at: 10, kind: 'deleted' }, { at: 12, kind: 'restored' }, press(15)], expect: [{ status: 'billable', tries: 2, settledAt: iso(75) }] },
];

describe('audit trail', () => {
  it.each(trailScenarios)('$rule', (c) => {
    checkCase(c);
    for (const o of simulateCase(c).outcomes) assertTrail(o);
  });
  it('audit trail: each transition of a reversed-then-retried outcome is recorded once, in order', () => {
    const r = simulateCase({ criteria: ORDER_CRITERIA, steps: ORDER_STEPS });
    const o = r.outcomes[0]!;
    expect(transitions(o).map((e) => [e.at, e.from, e.to, e.cause])).toEqual([
      [at(5), 'open', 'in_review', 'signal'],
      [at(10), 'in_review', 'failed', 'signal'],
      [at(15), 'failed', 'open', 'signal'],
      [at(20), 'open', 'in_review', 'signal'],
      [at(80), 'in_review', 'billable', 'review_end'],
    ]);
    expect(o.trail.map((e) => e.type)).toEqual(['opened', 'signal', 'suppressed', 'signal', 'signal', 'transition', 'signal', 'transition', 'retry', 'transition', 'signal', 'signal', 'transition', 'transition']);
  });
});
