// Which settled outcomes may leave a record's hot state (src/core/engine/archive.ts): only those no press, cap, dispute or late input can reach again, under any criteria published now or later.
import { Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import { advance } from '../../../src/core/engine/advance.ts';
import { archivable, reachableFrom } from '../../../src/core/engine/archive.ts';
import { decide } from '../../../src/core/engine/decide.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { bucketOf } from '../../../src/core/time.ts';
import type { Signal } from '../../../src/core/types.ts';
import { T0, criteriaSet } from '../../support/scenario.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const sig = (t: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '1', at: t, property, value });

/** One attempt a day for `days` days from T0 (3 November, 10:00 UTC), settled billable 10 minutes after its press (no review) unless `fail`. */
function history(criteria: ReturnType<typeof criteriaSet>, days: number, fail = false): RecordState {
  const state = newRecordState('ticket', '1');
  const inputs: Signal[] = [];
  for (let d = 0; d < days; d++) {
    inputs.push(sig(T0 + d * DAY, 'agent_started_at', `p${d}`));
    if (!fail) inputs.push(sig(T0 + d * DAY + 10 * MIN, 'stage', 'closed'), sig(T0 + d * DAY + 20 * MIN, 'stage', 'open'));
  }
  advance(state, inputs, T0 + days * DAY, criteria);
  return state;
}

const opened = (state: RecordState, from: number, disputeHorizonMs = 0) => archivable(state, from, disputeHorizonMs).map((o) => o.openedAt);

// 2 December 12:00 UTC: December has begun in every zone, and the ISO week of 30 November too.
const DEC_2 = at('2026-12-02T12:00:00Z');
const NOV_20 = at('2026-11-20T12:00:00Z');

describe('reachableFrom', () => {
  it('is the start of the earliest month or ISO week still current somewhere, less the widest zone offset', () => {
    // Mid-November: the month began 1 November, before Monday 16 November.
    expect(new Date(reachableFrom(NOV_20)).toISOString()).toBe('2026-10-31T10:00:00.000Z');
    // 2 December: Monday 30 November began before 1 December.
    expect(new Date(reachableFrom(DEC_2)).toISOString()).toBe('2026-11-29T10:00:00.000Z');
    // 1 December 10:00 UTC is still 30 November west of UTC−10: November is still reachable.
    expect(new Date(reachableFrom(at('2026-12-01T10:00:00Z'))).toISOString()).toBe('2026-10-31T10:00:00.000Z');
  });

  it('no instant before it shares a bucket of any period with an instant at or after `from`, in any zone', () => {
    const zones = ['UTC', 'Pacific/Kiritimati', 'Etc/GMT+12', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns'];
    const periods = ['hour', 'day', 'week', 'month'] as const;
    for (let from = at('2026-01-01T00:00:00Z'); from < at('2027-01-01T00:00:00Z'); from += 7 * HOUR + 13 * MIN) {
      const before = reachableFrom(from) - 1;
      for (const zone of zones) {
        for (const period of periods) expect(bucketOf(before, period, zone) < bucketOf(from, period, zone), `${zone} ${period} ${new Date(from).toISOString()}`).toBe(true);
      }
    }
  });

  it('does not depend on the process’s time zone', () => {
    const before = Settings.defaultZone;
    try {
      Settings.defaultZone = 'Pacific/Kiritimati';
      expect(new Date(reachableFrom(DEC_2)).toISOString()).toBe('2026-11-29T10:00:00.000Z');
    } finally {
      Settings.defaultZone = before;
    }
  });
});

describe('archivable at the cut-off itself', () => {
  const criteria = criteriaSet({ idempotency_period: 'month', review_window: '0' });
  // reachableFrom(NOV_20) is 31 October 10:00 UTC: 1 November 00:00 at UTC+14.
  const reach = reachableFrom(NOV_20);

  it('an attempt that opened at the cut-off is still within reach of its key; one a millisecond earlier is not', () => {
    for (const [opened, archived] of [[reach, false], [reach - 1, true]] as const) {
      // It fails (no success within the hour): no cap holds it, only its key.
      const state = newRecordState('ticket', '1');
      advance(state, [sig(opened, 'agent_started_at', 'p')], NOV_20 - DAY, criteria);
      expect(state.outcomes.map((o) => o.status)).toEqual(['not_billable']);
      expect(archivable(state, NOV_20, 0).length > 0).toBe(archived);
    }
  });

  it('a success at the cut-off may still count against a cap; one a millisecond earlier cannot', () => {
    for (const [succeeded, archived] of [[reach, false], [reach - 1, true]] as const) {
      // Two attempts of one monthly key: the first is not its key's latest, so only its success can hold it.
      const state = newRecordState('ticket', '1');
      const press = reach - 30 * MIN;
      advance(state, [sig(press, 'agent_started_at', 'a'), sig(succeeded, 'stage', 'closed'), sig(succeeded + MIN, 'stage', 'open'), sig(press + 3 * HOUR, 'agent_started_at', 'b')], NOV_20 - DAY, criteria);
      expect(state.outcomes.map((o) => o.status)).toEqual(['billable', 'not_billable']);
      expect(archivable(state, NOV_20, 0).includes(state.outcomes[0]!)).toBe(archived);
    }
  });
});

describe('archivable', () => {
  it('takes settled outcomes once their key’s bucket has passed in every zone, and none whose trail reaches the instant', () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 3);
    expect(state.outcomes.map((o) => o.status)).toEqual(['billable', 'billable', 'billable']);
    // Their days have passed, but not their month: a version published later with a monthly key or cap may still need them.
    expect(opened(state, NOV_20)).toEqual([]);
    expect(opened(state, DEC_2)).toEqual([T0, T0 + DAY, T0 + 2 * DAY]);
    // Within day 0's attempt: its trail reaches the instant.
    expect(opened(state, T0 + 5 * MIN)).toEqual([]);
  });

  it('keeps the latest attempt of a key that can come again: idempotency_period none', () => {
    const criteria = criteriaSet({ idempotency_period: 'none' });
    const state = history(criteria, 3);
    const archived = archivable(state, T0 + 60 * DAY, 0);
    expect(archived).toHaveLength(state.outcomes.length - 1);
    expect(archived).not.toContain(state.outcomes.at(-1));
  });

  it('keeps a billable success while a cap period may still hold it; not-billable attempts of the same key leave', () => {
    // A monthly key: all three presses share it, each after the last settled, so each opens a new attempt.
    const billable = history(criteriaSet({ idempotency_period: 'month' }), 3);
    expect(billable.outcomes.map((o) => o.seq)).toEqual([1, 2, 3]);
    expect(opened(billable, NOV_20)).toEqual([]);
    expect(opened(billable, DEC_2)).toEqual([T0, T0 + DAY, T0 + 2 * DAY]);
    // Failed attempts hold no cap slot: only the key's latest stays.
    const failed = history(criteriaSet({ idempotency_period: 'month' }), 3, true);
    expect(failed.outcomes.map((o) => o.status)).toEqual(['not_billable', 'not_billable', 'not_billable']);
    expect(opened(failed, NOV_20)).toEqual([T0, T0 + DAY]);
  });

  it('a version published later finds every success its cap counts: archiving never changes a verdict', () => {
    // v1 has no cap and a daily key: by 20 November its first days' outcomes are out of its own reach.
    const v1 = criteriaSet({ idempotency_period: 'day' });
    const state = history(v1, 3);
    const gone = new Set(archivable(state, NOV_20, 0));
    state.outcomes = state.outcomes.filter((o) => !gone.has(o));
    // v2, published afterwards, caps the id at 2 a month from 21 November: November's three successes fill it.
    const v2 = criteriaSet({ idempotency_period: 'day' }, { version: 2, change_notes: 'Cap.', effective_from: '2026-11-21T00:00:00Z', cap: { max: 2, period: 'month' } });
    const press = at('2026-11-21T10:00:00Z');
    advance(state, [sig(press, 'agent_started_at', 'p'), sig(press + 10 * MIN, 'stage', 'closed')], press + DAY, v2);
    expect(state.outcomes.at(-1)).toMatchObject({ criteriaVersion: 2, status: 'not_billable', reason: 'cap_reached' });
  });

  it('keeps billable outcomes within the dispute horizon, and any with an open dispute', () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 3);
    const far = T0 + 40 * DAY;
    expect(archivable(state, far, 45 * DAY)).toEqual([]);
    expect(archivable(state, far, 30 * DAY)).toHaveLength(3);
    const first = state.outcomes[0]!;
    decide(state, { type: 'open_dispute', at: T0 + 3 * DAY, outcomeId: first.outcomeId, by: { userId: 7, email: 'a@example.com' }, reason: 'wrong' }, criteria);
    expect(archivable(state, far, 30 * DAY).map((o) => o.outcomeId)).not.toContain(first.outcomeId);
  });

  it('a press older than the archive instant whose key has no attempt left opens nothing: its attempts may be archived', () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 3);
    const gone = new Set(archivable(state, DEC_2, 0));
    expect(gone.size).toBe(3);
    state.outcomes = state.outcomes.filter((o) => !gone.has(o));
    state.archivedTo = DEC_2;
    const late = decide(state, sig(T0 + 30 * MIN, 'agent_started_at', 'again'), criteria);
    expect(late.effects.filter((e) => e.type === 'outcome_changed')).toEqual([]);
    expect(state.outcomes).toEqual([]);
  });
});

describe('archivable: the edges', () => {
  const by = { userId: 7, email: 'a@example.com' };

  it('an attempt still open stays hot, however late the instant', () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = newRecordState('ticket', '1');
    advance(state, [sig(T0, 'agent_started_at', 'p')], T0 + 5 * MIN, criteria);
    expect(state.outcomes.map((o) => o.status)).toEqual(['open']);
    expect(archivable(state, T0 + 60 * DAY, 0)).toEqual([]);
  });

  it('a trail entry at the instant itself keeps the outcome; one a millisecond before does not', () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 1);
    const [o] = state.outcomes;
    const rejected = at('2026-12-05T10:00:00Z');
    decide(state, { type: 'open_dispute', at: rejected - HOUR, outcomeId: o!.outcomeId, by, reason: 'wrong' }, criteria);
    decide(state, { type: 'resolve_dispute', at: rejected, outcomeId: o!.outcomeId, by, resolution: 'rejected', note: 'no' }, criteria);
    expect(o).toMatchObject({ status: 'billable', dispute: { state: 'rejected' } });
    expect(archivable(state, rejected, 0)).toEqual([]);
    expect(archivable(state, rejected + 1, 0)).toEqual([o]);
  });

  it('a billable outcome leaves exactly when the dispute horizon has passed since it settled; a not-billable one is not held by it', () => {
    const criteria = criteriaSet({ idempotency_period: 'day' });
    const state = history(criteria, 1);
    const settled = state.outcomes[0]!.settledAt!;
    expect(archivable(state, settled + 40 * DAY - 1, 40 * DAY)).toEqual([]);
    expect(archivable(state, settled + 40 * DAY, 40 * DAY)).toEqual([state.outcomes[0]]);
    const failed = history(criteria, 1, true);
    expect(archivable(failed, DEC_2, 90 * DAY)).toEqual(failed.outcomes);
  });

  it('a credited outcome leaves like a not-billable one: it holds no cap slot', () => {
    const criteria = criteriaSet({ idempotency_period: 'month' });
    const state = history(criteria, 3);
    const [first] = state.outcomes;
    decide(state, { type: 'open_dispute', at: T0 + 3 * DAY, outcomeId: first!.outcomeId, by, reason: 'wrong' }, criteria);
    decide(state, { type: 'resolve_dispute', at: T0 + 3 * DAY + HOUR, outcomeId: first!.outcomeId, by, resolution: 'upheld', note: 'ok' }, criteria);
    expect(state.outcomes.map((o) => o.status)).toEqual(['credited', 'billable', 'billable']);
    expect(archivable(state, NOV_20, 0)).toEqual([first]);
    expect(archivable(state, DEC_2, 0)).toEqual(state.outcomes);
  });
});
