// Lifecycle tables: §3 signal order (by event time, ties in input order) and cli.md's order of outcomes.
import { describe, expect, it } from 'vitest';
import { criteriaSet, iso, outcomes, run } from '../../support/scenario.ts';
import type { Step } from '../../support/scenario.ts';
import { checkCase, closed, EXCLUDE_TEST, K, keyOf, ORDER_CRITERIA, ORDER_EXPECTED, ORDER_STEPS, press, reopened } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

function seededShuffle<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const permutations: { rule: string; order: (s: readonly Step[]) => Step[] }[] = [
  { rule: '§3 order: signals apply by event time whatever the input order (reversed)', order: (s) => [...s].reverse() },
  { rule: '§3 order: signals apply by event time whatever the input order (rotated)', order: (s) => [...s.slice(5), ...s.slice(0, 5)] },
  { rule: '§3 order: signals apply by event time whatever the input order (shuffle 1)', order: (s) => seededShuffle(s, 1) },
  { rule: '§3 order: signals apply by event time whatever the input order (shuffle 2)', order: (s) => seededShuffle(s, 2) },
  { rule: '§3 order: signals apply by event time whatever the input order (shuffle 3)', order: (s) => seededShuffle(s, 3) },
];

const tieCases: Case[] = [
  {
    rule: '§3 order: ties at one instant apply in input order (success, then its reversal)',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), reopened(5)],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5), settledAt: iso(5) }],
  },
  {
    rule: '§3 order: ties at one instant apply in input order (reopen, then success)',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), reopened(5), closed(5)],
    expect: [{ status: 'billable', succeededAt: iso(5), settledAt: iso(65) }],
  },
  {
    rule: '§3 order: earlier event times move ahead while ties keep their input order',
    criteria: [{ review_window: '1h' }],
    steps: [closed(5), press(0), reopened(5)],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5) }],
  },
  {
    rule: 'cli.md order: outcomes sorted by openedAt, then idempotencyKey (as text: "…:10:" before "…:1:"), then sequence number',
    steps: [press(10, '1'), press(0, '2'), press(0, '10'), press(0, '1'), press(20, '1')],
    until: 21,
    expect: [
      { outcomeId: `${keyOf('2026-11-03', '10')}#1` },
      { outcomeId: `${keyOf('2026-11-03', '1')}#1` },
      { outcomeId: `${keyOf('2026-11-03', '2')}#1` },
      { outcomeId: `${keyOf('2026-11-03', '1')}#2` },
      { outcomeId: `${keyOf('2026-11-03', '1')}#3` },
    ],
  },
  {
    rule: 'cli.md order: two attempts of one key opened at one instant are sorted by sequence number',
    criteria: [{ exclude: EXCLUDE_TEST }],
    records: [{ id: '1', properties: { subject: 'test' } }],
    steps: [press(0), press(0)],
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', reason: 'excluded', openedAt: iso(0) },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'excluded', openedAt: iso(0) },
    ],
  },
];

describe('order', () => {
  it('§3 order: the scenario in event order gives the expected outcomes', () => {
    expect(outcomes(ORDER_STEPS, { criteria: criteriaSet(...ORDER_CRITERIA) })).toMatchObject(ORDER_EXPECTED);
  });
  it('cli.md summary: presses count suppressed presses and duplicates; attempts, successes, byReason', () => {
    const r = run(ORDER_STEPS, { criteria: criteriaSet(...ORDER_CRITERIA) });
    expect(r.summary).toMatchObject({ presses: 8, suppressed: 1, attempts: 4, successes: 2, billable: 2, byReason: { excluded: 1, latency_breach: 1 } });
  });
  it.each(permutations)('$rule', ({ order }) => {
    const criteria = criteriaSet(...ORDER_CRITERIA);
    expect(outcomes(order(ORDER_STEPS), { criteria })).toEqual(outcomes(ORDER_STEPS, { criteria }));
  });
  it.each(tieCases)('$rule', checkCase);
});
