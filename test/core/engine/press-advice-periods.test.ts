// Press advice over period buckets (§3 steps 1–2): advice ends where the bucket, and so the key, changes, in every period and across DST changes.
import { describe, expect, it } from 'vitest';
import { pressAdvice } from '../../../src/core/engine/press-advice.ts';
import type { PressAdvice } from '../../../src/core/engine/press-advice.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { at, criteriaSet, iso, run } from '../../support/scenario.ts';
import type { Step } from '../../support/scenario.ts';
import { EXCLUDE_TEST, K, keyOf, press, put, v2 } from './lifecycle-cases.ts';

function stateAfter(steps: Step[], versions: Record<string, unknown>[], until: string): RecordState {
  return run(steps, { criteria: criteriaSet(...versions), until }).states.get('ticket:1')!;
}

function adviceAt(steps: Step[], versions: Record<string, unknown>[], t: string): PressAdvice[] {
  return pressAdvice(stateAfter(steps, versions, t), criteriaSet(...versions), at(t));
}

/** What each press of `steps` did to the record's attempts: [outcome id, trail entry type], in order. */
function pressesLanded(steps: Step[], versions: Record<string, unknown>[]): [string, string][] {
  const state = run(steps, { criteria: criteriaSet(...versions) }).states.get('ticket:1')!;
  return steps.map((_, i) => {
    const hits = state.outcomes.flatMap((o) => o.trail.filter((e) => 'ref' in e && e.ref === `step:${i}` && e.type !== 'signal').map((e) => [o.outcomeId, e.type] as [string, string]));
    return hits[0]!;
  });
}

// Lord Howe Island leaves daylight saving on 2027-04-04 at 02:00 (+11:00) by going back half an hour to
// 01:30 (+10:30): 14:30Z–15:00Z and 15:00Z–15:30Z both read 01:30–01:59 there, so hour 01 lasts 90 minutes.
const LORD_HOWE = { timezone: 'Australia/Lord_Howe', idempotency_period: 'hour', cooldown: '2h' };
const HOUR_01 = keyOf('2027-04-04T01');
const HOUR_02_STARTS = at('2027-04-03T15:30:00Z');

describe('press advice across a half-hour DST change (Lord Howe)', () => {
  it('a cool-down from the first pass through 01:xx holds through the repeated half hour, to 02:00 (+10:30)', { timeout: 10_000 }, () => {
    expect(adviceAt([press('2027-04-03T14:40:00Z')], [LORD_HOWE], '2027-04-03T14:45:00Z')).toEqual([
      { criteriaId: 'resolve', kind: 'cooldown', until: HOUR_02_STARTS, outcomeId: `${HOUR_01}#1` },
    ]);
  });

  it('a cool-down from within the repeated half hour ends at 02:00 (+10:30) too', { timeout: 10_000 }, () => {
    expect(adviceAt([press('2027-04-03T15:05:00Z')], [LORD_HOWE], '2027-04-03T15:10:00Z')).toEqual([
      { criteriaId: 'resolve', kind: 'cooldown', until: HOUR_02_STARTS, outcomeId: `${HOUR_01}#1` },
    ]);
  });

  it('a retry holds to the last millisecond of the repeated half hour', { timeout: 10_000 }, () => {
    const retrying = { ...LORD_HOWE, cooldown: '0s', retry_window: '2h' };
    expect(adviceAt([press('2027-04-03T14:40:00Z')], [retrying], '2027-04-03T15:10:00Z')).toEqual([
      { criteriaId: 'resolve', kind: 'retry', until: HOUR_02_STARTS - 1, outcomeId: `${HOUR_01}#1` },
    ]);
  });

  it('agrees with the engine: a press at 01:59.999 (+10:30) is suppressed, one at 02:00 opens hour 02', () => {
    const steps = [press('2027-04-03T14:40:00Z'), press('2027-04-03T15:29:59.999Z'), press('2027-04-03T15:30:00Z')];
    expect(pressesLanded(steps, [LORD_HOWE])).toEqual([
      [`${HOUR_01}#1`, 'opened'],
      [`${HOUR_01}#1`, 'suppressed'],
      [`${keyOf('2027-04-04T02')}#1`, 'opened'],
    ]);
  });
});

describe('press advice: where each period bucket ends', () => {
  const cooling = (period: string, cooldown: string) => ({ idempotency_period: period, cooldown, timezone: 'Europe/Berlin' });

  it('period none: one key for ever, so a cool-down runs to its end across days', () => {
    expect(adviceAt([press('2026-11-03T22:00:00Z')], [cooling('none', '1d')], '2026-11-04T12:00:00Z')).toEqual([
      { criteriaId: 'resolve', kind: 'cooldown', until: at('2026-11-04T22:00:00Z'), outcomeId: `${keyOf('all')}#1` },
    ]);
  });

  it("week: ISO weeks in the criteria's zone, ending at Monday 00:00 there", () => {
    // Sunday 2026-11-08 20:00 in Berlin (+01:00); the next week starts on Monday 2026-11-09 at 00:00, 23:00Z.
    expect(adviceAt([press('2026-11-08T19:00:00Z')], [cooling('week', '1d')], '2026-11-08T20:00:00Z')).toEqual([
      { criteriaId: 'resolve', kind: 'cooldown', until: at('2026-11-08T23:00:00Z'), outcomeId: `${keyOf('2026-W45')}#1` },
    ]);
  });

  it("month: calendar months in the criteria's zone", () => {
    expect(adviceAt([press('2026-11-30T20:00:00Z')], [cooling('month', '1d')], '2026-11-30T21:00:00Z')).toEqual([
      { criteriaId: 'resolve', kind: 'cooldown', until: at('2026-11-30T23:00:00Z'), outcomeId: `${keyOf('2026-11')}#1` },
    ]);
  });

  it('day: a day that loses an hour to DST (New York, 2027-03-14) ends at the next midnight there, 04:00Z', () => {
    const ny = { idempotency_period: 'day', cooldown: '1d', timezone: 'America/New_York' };
    expect(adviceAt([press('2027-03-14T06:00:00Z')], [ny], '2027-03-14T06:30:00Z')).toEqual([
      { criteriaId: 'resolve', kind: 'cooldown', until: at('2027-03-15T04:00:00Z'), outcomeId: `${keyOf('2027-03-14')}#1` },
    ]);
  });

  it('hour: a cool-down ends at the next hour', () => {
    expect(adviceAt([press('2026-11-03T10:50:00Z')], [cooling('hour', '30m')], '2026-11-03T10:55:00Z')).toEqual([
      { criteriaId: 'resolve', kind: 'cooldown', until: at('2026-11-03T11:00:00Z'), outcomeId: `${keyOf('2026-11-03T11')}#1` },
    ]);
  });
});

describe('press advice: versions taking effect', () => {
  const COOL = { cooldown: '10m' };

  it('a version taking effect at the instant asked about, with the same buckets, keeps the key: the advice runs on', { timeout: 10_000 }, () => {
    const state = stateAfter([press(0)], [COOL], iso(3));
    expect(pressAdvice(state, criteriaSet(COOL, v2(3, COOL)), at(iso(3)))).toEqual([{ criteriaId: 'resolve', kind: 'cooldown', until: at(iso(10)), outcomeId: `${K}#1` }]);
  });

  it('the earliest later version that changes the key ends the advice, whatever the order of the file', () => {
    const v3 = { ...v2(6, COOL), version: 3 };
    const versions = [COOL, v2(3, { ...COOL, idempotency_period: 'hour' }), v3];
    expect(adviceAt([press(0)], versions, iso(1))).toEqual([{ criteriaId: 'resolve', kind: 'cooldown', until: at(iso(3)), outcomeId: `${K}#1` }]);
    expect(adviceAt([press(0)], [COOL, v3, versions[1]!], iso(1))).toEqual([{ criteriaId: 'resolve', kind: 'cooldown', until: at(iso(3)), outcomeId: `${K}#1` }]);
  });
});

describe('press advice: the status a press meets', () => {
  it('an attempt excluded at the instant asked about is settled for a press then: no retry advice', () => {
    const retrying = { retry_window: '30m', exclude: EXCLUDE_TEST };
    expect(adviceAt([press(0), put(5, { subject: 'a test' })], [retrying], iso(5))).toEqual([]);
    expect(adviceAt([press(0), put(5, { subject: 'fine' })], [retrying], iso(5))).toEqual([{ criteriaId: 'resolve', kind: 'retry', until: at(iso(30)), outcomeId: `${K}#1` }]);
  });
});
