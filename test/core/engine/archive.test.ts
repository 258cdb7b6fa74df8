// Which settled outcomes may leave a record's hot state (src/core/engine/archive.ts): only those no press, cap, dispute or late input can reach again.
import { describe, expect, it } from 'vitest';
import { advance } from '../../../src/core/engine/advance.ts';
import { archivable } from '../../../src/core/engine/archive.ts';
import { decide } from '../../../src/core/engine/decide.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import type { Signal } from '../../../src/core/types.ts';
import { T0, criteriaSet } from '../../support/scenario.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const sig = (at: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '1', at, property, value });

/** One attempt a day for `days` days, settled billable 10 minutes after its press (no review). */
function history(criteria: ReturnType<typeof criteriaSet>, days: number): RecordState {
  const state = newRecordState('ticket', '1');
  const inputs: Signal[] = [];
  for (let d = 0; d < days; d++) inputs.push(sig(T0 + d * DAY, 'agent_started_at', `p${d}`), sig(T0 + d * DAY + 10 * MIN, 'stage', 'closed'), sig(T0 + d * DAY + 20 * MIN, 'stage', 'open'));
  advance(state, inputs, T0 + days * DAY, criteria);
  return state;
}

const seqs = (state: RecordState, from: number, criteria: ReturnType<typeof criteriaSet>, disputeHorizonMs = 0) =>
  archivable(state, from, criteria, disputeHorizonMs).map((o) => o.openedAt);

describe('archivable', () => {
  it('takes settled outcomes whose key’s bucket has passed, and none whose trail reaches the instant', async () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 3);
    expect(state.outcomes.map((o) => o.status)).toEqual(['billable', 'billable', 'billable']);
    // T0 is 10:00 UTC (the criteria's zone). At 01:00 on day 2 the buckets of days 0 and 1 have passed; day 2's attempt opens later.
    expect(seqs(state, T0 + 2 * DAY - 9 * HOUR, criteria)).toEqual([T0, T0 + DAY]);
    // At 23:00 on day 1, day 1's bucket is still open: a press then would reach its attempt.
    expect(seqs(state, T0 + DAY + 13 * HOUR, criteria)).toEqual([T0]);
    // Within day 0's attempt: its trail reaches the instant, and its bucket is open.
    expect(seqs(state, T0 + 5 * MIN, criteria)).toEqual([]);
  });

  it('keeps the latest attempt of a key that can come again: idempotency_period none', async () => {
    const criteria = criteriaSet({ idempotency_period: 'none', retry_window: '0' });
    const state = history(criteria, 3);
    const far = T0 + 30 * DAY;
    const archived = archivable(state, far, criteria, 0);
    expect(archived).toHaveLength(state.outcomes.length - 1);
    expect(archived).not.toContain(state.outcomes.at(-1));
  });

  it('keeps billable outcomes within the dispute horizon, and any with an open dispute', async () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 3);
    const far = T0 + 10 * DAY;
    expect(archivable(state, far, criteria, 30 * DAY)).toEqual([]);
    expect(archivable(state, far, criteria, DAY)).toHaveLength(3);
    const first = state.outcomes[0]!;
    decide(state, { type: 'open_dispute', at: T0 + 3 * DAY, outcomeId: first.outcomeId, by: { userId: 7, email: 'a@example.com' }, reason: 'wrong' }, criteria);
    expect(archivable(state, far, criteria, DAY).map((o) => o.outcomeId)).not.toContain(first.outcomeId);
  });

  it('keeps a billable outcome whose success is in the current cap period of its id', async () => {
    const criteria = criteriaSet({ idempotency_period: 'day', cap: { max: 5, period: 'month' } });
    const state = history(criteria, 3);
    expect(archivable(state, T0 + 10 * DAY, criteria, 0)).toEqual([]);
    expect(archivable(state, T0 + 40 * DAY, criteria, 0)).toHaveLength(3);
  });

  it('a press older than the archive instant whose key has no attempt left opens nothing: its attempts may be archived', async () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 3);
    const from = T0 + 2 * DAY - 9 * HOUR;
    const gone = new Set(archivable(state, from, criteria, 0));
    state.outcomes = state.outcomes.filter((o) => !gone.has(o));
    state.archivedTo = from;
    const late = decide(state, sig(T0 + 30 * MIN, 'agent_started_at', 'again'), criteria);
    expect(late.effects.filter((e) => e.type === 'outcome_changed')).toEqual([]);
    expect(state.outcomes.map((o) => o.outcomeId)).toEqual(['resolve:ticket:1:2026-11-05#1']);
  });
});

describe('archivable: the edges', () => {
  const by = { userId: 7, email: 'a@example.com' };

  it('an attempt still open stays hot, however late the instant', async () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = newRecordState('ticket', '1');
    advance(state, [sig(T0, 'agent_started_at', 'p')], T0 + 5 * MIN, criteria);
    expect(state.outcomes.map((o) => o.status)).toEqual(['open']);
    expect(archivable(state, T0 + 10 * DAY, criteria, 0)).toEqual([]);
  });

  it('a trail entry at the instant itself keeps the outcome; one a millisecond before does not', async () => {
    // Pressed at 23:30 UTC: the 1 h deadline settles it not billable at 00:30 the next day, after its key's bucket.
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = newRecordState('ticket', '1');
    advance(state, [sig(T0 + 13 * HOUR + 30 * MIN, 'agent_started_at', 'late')], T0 + 3 * DAY, criteria);
    const [o] = state.outcomes;
    expect(o).toMatchObject({ status: 'not_billable', settledAt: T0 + 14 * HOUR + 30 * MIN });
    expect(archivable(state, o!.settledAt!, criteria, 0)).toEqual([]);
    expect(archivable(state, o!.settledAt! + 1, criteria, 0)).toEqual([o]);
    // Only a billable outcome can be disputed: the horizon does not hold a not-billable one.
    expect(archivable(state, o!.settledAt! + 1, criteria, 90 * DAY)).toEqual([o]);
  });

  it('a billable outcome leaves exactly when the dispute horizon has passed since it settled', async () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 1);
    const settled = state.outcomes[0]!.settledAt!;
    expect(archivable(state, settled + 5 * DAY - 1, criteria, 5 * DAY)).toEqual([]);
    expect(archivable(state, settled + 5 * DAY, criteria, 5 * DAY)).toEqual([state.outcomes[0]]);
  });

  it('a billable outcome whose dispute was rejected leaves like any other; a credited one within its cap period too', async () => {
    const criteria = criteriaSet({ idempotency_period: 'day', cap: { max: 5, period: 'month' } });
    const state = history(criteria, 3);
    const [first, second] = state.outcomes;
    decide(state, { type: 'open_dispute', at: T0 + 3 * DAY, outcomeId: first!.outcomeId, by, reason: 'wrong' }, criteria);
    decide(state, { type: 'resolve_dispute', at: T0 + 3 * DAY + HOUR, outcomeId: first!.outcomeId, by, resolution: 'upheld', note: 'ok' }, criteria);
    decide(state, { type: 'open_dispute', at: T0 + 3 * DAY, outcomeId: second!.outcomeId, by, reason: 'wrong' }, criteria);
    decide(state, { type: 'resolve_dispute', at: T0 + 3 * DAY + HOUR, outcomeId: second!.outcomeId, by, resolution: 'rejected', note: 'no' }, criteria);
    expect(state.outcomes.map((o) => o.status)).toEqual(['credited', 'billable', 'billable']);
    // Still November: the billable ones hold cap slots, the credited one holds none.
    expect(archivable(state, T0 + 4 * DAY, criteria, 0)).toEqual([first]);
    // December: the cap period has passed for all.
    expect(archivable(state, T0 + 40 * DAY, criteria, 0)).toEqual(state.outcomes);
  });

  it('a later version with another idempotency period can never press an earlier version’s key again', async () => {
    // v1 keys by day; v2, in force from 5 November, keys by month: its keys read `2026-11`, never `2026-11-03`.
    const criteria = criteriaSet({ idempotency_period: 'day' }, { version: 2, change_notes: 'Monthly.', idempotency_period: 'month', effective_from: '2026-11-05T00:00:00Z' });
    const state = history(criteria, 1);
    expect(archivable(state, T0 + 5 * DAY, criteria, 0)).toEqual(state.outcomes);
    // Under v2 a press in November reaches its own attempt again: it stays until December.
    const later = newRecordState('ticket', '1');
    advance(later, [sig(T0 + 3 * DAY, 'agent_started_at', 'p'), sig(T0 + 3 * DAY + 10 * MIN, 'stage', 'closed')], T0 + 4 * DAY, criteria);
    expect(later.outcomes.map((o) => o.idempotencyKey)).toEqual(['resolve:ticket:1:2026-11']);
    expect(archivable(later, T0 + 20 * DAY, criteria, 0)).toEqual([]);
    expect(archivable(later, T0 + 30 * DAY, criteria, 0)).toEqual(later.outcomes);
  });

  it('another id’s versions do not keep an outcome hot: only its own id can press its key again', async () => {
    // `other` keys by day in Los Angeles, where 3 November lasts until 08:00 UTC on the 4th.
    const criteria = criteriaSet({ idempotency_period: 'day' }, { id: 'other', idempotency_period: 'day', timezone: 'America/Los_Angeles' });
    const state = history(criteria, 1);
    const resolve = state.outcomes.filter((o) => o.criteriaId === 'resolve');
    expect(resolve).toHaveLength(1);
    expect(archivable(state, T0 + 16 * HOUR, criteria, 0)).toEqual(resolve);
  });

  it('a cap on any version of the id keeps a success in its current period', async () => {
    // v1 caps per month; v2, from 10 November, has no cap: a November success may still count against v1’s cap.
    const criteria = criteriaSet({ idempotency_period: 'day', cap: { max: 5, period: 'month' } }, { version: 2, change_notes: 'No cap.', effective_from: '2026-11-10T00:00:00Z' });
    const state = history(criteria, 1);
    expect(archivable(state, T0 + 10 * DAY, criteria, 0)).toEqual([]);
    expect(archivable(state, T0 + 30 * DAY, criteria, 0)).toEqual(state.outcomes);
  });
});
