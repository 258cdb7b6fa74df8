// Press advice (§3 steps 1–2): cool-down and retry predicted from a record's state, each branch, and checked against what the engine does with the press.
import { describe, expect, it } from 'vitest';
import { pressAdvice } from '../../../src/core/engine/press-advice.ts';
import type { PressAdvice } from '../../../src/core/engine/press-advice.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { at, criteriaSet, run } from '../../support/scenario.ts';
import type { Step } from '../../support/scenario.ts';
import { EXCLUDE_TEST, FAIL_IF, K, closed, failSignal, keyOf, press, put, v2 } from './lifecycle-cases.ts';

const RETRYING = { retry_window: '30m', cooldown: '2m', fail_if: FAIL_IF, exclude: EXCLUDE_TEST };

/** The record's state as the engine leaves it after `steps`, timers applied up to `until`. */
function stateAfter(steps: Step[], versions: Record<string, unknown>[], until: string | number): RecordState {
  return run(steps, { criteria: criteriaSet(...versions), until }).states.get('ticket:1') ?? newRecordState('ticket', '1');
}

function adviceAt(steps: Step[], versions: Record<string, unknown>[], t: string | number): PressAdvice[] {
  return pressAdvice(stateAfter(steps, versions, t), criteriaSet(...versions), at(t));
}

const ms = (t: string | number) => at(t);

describe('pressAdvice', () => {
  it('cool-down: a press within the cool-down of the last accepted press is suppressed until it ends', () => {
    expect(adviceAt([press(0)], [RETRYING], 1)).toEqual([{ criteriaId: 'resolve', kind: 'cooldown', until: ms(2), outcomeId: `${K}#1` }]);
  });

  it('cool-down runs from the last accepted press, a retry included; suppressed presses do not extend it', () => {
    const steps = [press(0), press(10), press(11)];
    expect(adviceAt(steps, [RETRYING], 11.5)).toEqual([{ criteriaId: 'resolve', kind: 'cooldown', until: ms(12), outcomeId: `${K}#1` }]);
  });

  it('retry: an open attempt within its retry window, until the window ends (its end included)', () => {
    const retry = { criteriaId: 'resolve', kind: 'retry', until: ms(30), outcomeId: `${K}#1` };
    expect(adviceAt([press(0)], [RETRYING], 2)).toEqual([retry]);
    expect(adviceAt([press(0)], [RETRYING], 30)).toEqual([retry]);
    expect(pressAdvice(stateAfter([press(0)], [RETRYING], 30), criteriaSet(RETRYING), ms(30) + 1)).toEqual([]);
  });

  it('retry: a failed attempt within its retry window', () => {
    const state = stateAfter([press(0), failSignal(5)], [RETRYING], 10);
    expect(state.outcomes[0]!.status).toBe('failed');
    expect(pressAdvice(state, criteriaSet(RETRYING), ms(10))).toEqual([{ criteriaId: 'resolve', kind: 'retry', until: ms(30), outcomeId: `${K}#1` }]);
    // At the window's end the timer settles it, but a press at that instant comes first: still a retry.
    const settled = stateAfter([press(0), failSignal(5)], [RETRYING], 30);
    expect(settled.outcomes[0]!.status).toBe('not_billable');
    expect(pressAdvice(settled, criteriaSet(RETRYING), ms(30))).toEqual([{ criteriaId: 'resolve', kind: 'retry', until: ms(30), outcomeId: `${K}#1` }]);
    expect(pressAdvice(settled, criteriaSet(RETRYING), ms(30) + 1)).toEqual([]);
  });

  it('a duplicate is not advice: in review or billable within the window, past the cool-down', () => {
    expect(adviceAt([press(0), closed(5)], [RETRYING], 10)).toEqual([]);
    expect(adviceAt([press(0), closed(5)], [{ ...RETRYING, review_window: '1h' }], 10)).toEqual([]);
  });

  it('the cool-down applies whatever the status: a billable attempt pressed again within it is suppressed', () => {
    expect(adviceAt([press(0), closed(0.5)], [RETRYING], 1)).toEqual([{ criteriaId: 'resolve', kind: 'cooldown', until: ms(2), outcomeId: `${K}#1` }]);
  });

  it('not_billable or credited: a press is a new attempt, no advice', () => {
    const excluded = stateAfter([put(0, { subject: 'a test' }), press(1)], [RETRYING], 5);
    expect(excluded.outcomes[0]!.status).toBe('not_billable');
    expect(pressAdvice(excluded, criteriaSet(RETRYING), ms(5))).toEqual([]);
    const credited = stateAfter([press(0), closed(1)], [RETRYING], 5);
    credited.outcomes[0]!.status = 'credited';
    expect(pressAdvice(credited, criteriaSet(RETRYING), ms(5))).toEqual([]);
  });

  it('another period bucket: the next day is a new key, so no advice', () => {
    const days = { ...RETRYING, retry_window: '3d' };
    expect(adviceAt([press(0)], [days], '2026-11-04T00:00:00Z')).toEqual([]);
    expect(adviceAt([press(0)], [days], '2026-11-03T23:59:59.999Z')).toEqual([{ criteriaId: 'resolve', kind: 'retry', until: ms('2026-11-03T23:59:59.999Z'), outcomeId: `${K}#1` }]);
  });

  it('advice ends where the key changes: at the bucket end for a cool-down, the millisecond before it for a retry', () => {
    const late = { ...RETRYING, cooldown: '1h', retry_window: '2h' };
    const nearMidnight = [press('2026-11-03T23:30:00Z')];
    expect(adviceAt(nearMidnight, [late], '2026-11-03T23:40:00Z')).toEqual([{ criteriaId: 'resolve', kind: 'cooldown', until: ms('2026-11-04T00:00:00Z'), outcomeId: `${K}#1` }]);
    const retryNear = [press('2026-11-03T22:00:00Z')];
    expect(adviceAt(retryNear, [late], '2026-11-03T23:30:00Z')).toEqual([{ criteriaId: 'resolve', kind: 'retry', until: ms('2026-11-03T23:59:59.999Z'), outcomeId: `${K}#1` }]);
  });

  it("buckets are the criteria's time zone's: a day in New York ends at 05:00Z", () => {
    const ny = { ...RETRYING, timezone: 'America/New_York', retry_window: '1d' };
    const advice = adviceAt([press('2026-11-04T01:00:00Z')], [ny], '2026-11-04T02:00:00Z');
    expect(advice).toEqual([{ criteriaId: 'resolve', kind: 'retry', until: ms('2026-11-04T04:59:59.999Z'), outcomeId: `${keyOf('2026-11-03')}#1` }]);
  });

  it("steps 1–2 follow the pinned version's settings; the key is the version in force at the press's time", () => {
    // v2 takes effect at minute 3 with no cool-down and no retry window; the attempt stays pinned to v1.
    const pinned = [RETRYING, v2(3, { cooldown: '0s', retry_window: '0s' })];
    expect(adviceAt([press(0)], pinned, 1)).toEqual([{ criteriaId: 'resolve', kind: 'cooldown', until: ms(2), outcomeId: `${K}#1` }]);
    expect(adviceAt([press(0)], pinned, 5)).toEqual([{ criteriaId: 'resolve', kind: 'retry', until: ms(30), outcomeId: `${K}#1` }]);
    // A v2 with hourly buckets gives a press after minute 3 another key: a new attempt, whatever v1 says.
    const hourly = [RETRYING, v2(3, { idempotency_period: 'hour' })];
    expect(adviceAt([press(0)], hourly, 5)).toEqual([]);
    // Before v2 takes effect, the v1 key holds until v2's start, where the key changes.
    expect(adviceAt([press(0)], hourly, 2.5)).toEqual([{ criteriaId: 'resolve', kind: 'retry', until: ms(3) - 1, outcomeId: `${K}#1` }]);
  });

  it('no version in force, no attempt under the key, or criteria on another object: no advice', () => {
    const future = { ...RETRYING, effective_from: '2027-01-01T00:00:00Z' };
    const state = stateAfter([press(0)], [RETRYING], 1);
    expect(pressAdvice(state, criteriaSet(future), ms(1))).toEqual([]);
    expect(adviceAt([put(0, { stage: 'new' })], [RETRYING], 1)).toEqual([]);
    expect(pressAdvice(state, criteriaSet({ ...RETRYING, object: 'deal' }), ms(1))).toEqual([]);
  });

  it('one entry per criteria id watching the object, in id order', () => {
    const two = [RETRYING, { ...RETRYING, id: 'another', retry_window: '0s' }];
    const advice = adviceAt([press(0)], two, 1);
    expect(advice.map((a) => [a.criteriaId, a.kind])).toEqual([
      ['another', 'cooldown'],
      ['resolve', 'cooldown'],
    ]);
  });

  it('agrees with the engine: whatever it advises at an instant is what a press then becomes', () => {
    const versions = [{ ...RETRYING, review_window: '5m' }];
    const history = [press(0), failSignal(4), press(8), press(9), closed(20), press(40), press(41)];
    const seen = new Set<string>();
    for (let t = 0.5; t < 80; t += 0.5) {
      const advice = adviceAt(history, versions, t)[0];
      const after = run([...history, press(t)], { criteria: criteriaSet(...versions), until: t }).states.get('ticket:1')!;
      // The extra press is the last step: its trail entries carry its ref.
      const ref = `step:${history.length}`;
      const landed = after.outcomes.flatMap((o) => o.trail.filter((e) => 'ref' in e && e.ref === ref && e.type !== 'signal').map((e) => ({ outcomeId: o.outcomeId, type: e.type })));
      const expected = advice === undefined ? [] : [{ outcomeId: advice.outcomeId, type: advice.kind === 'cooldown' ? 'suppressed' : 'retry' }];
      expect(landed.filter((l) => l.type === 'suppressed' || l.type === 'retry'), `press at minute ${t}`).toEqual(expected);
      if (advice === undefined) expect(landed.length, `press at minute ${t} is a duplicate or a new attempt`).toBe(1);
      seen.add(advice?.kind ?? 'none');
    }
    expect([...seen].sort()).toEqual(['cooldown', 'none', 'retry']);
  });
});
