// decide()'s effects (contract §3 timers, §7 order): which outcomes to write back, when to wake the record, and the record's clock.
import { describe, expect, it } from 'vitest';
import { advance } from '../../../src/core/engine/advance.ts';
import { decide } from '../../../src/core/engine/decide.ts';
import type { Effect } from '../../../src/core/engine/decide.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import type { Signal } from '../../../src/core/types.ts';
import { at, criteriaSet } from '../../support/scenario.ts';

const prop = (t: number, property: string, value: string, recordId = '1'): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at: at(t), property, value });
const press = (t: number) => prop(t, 'agent_started_at', 'x');
const closed = (t: number) => prop(t, 'stage', 'closed');
const tick = (t: number) => ({ type: 'tick', at: at(t) }) as const;
const changed = (effects: Effect[]) => effects.filter((e) => e.type === 'outcome_changed').map((e) => (e.type === 'outcome_changed' ? e.outcome.outcomeId : ''));
const wakes = (effects: Effect[]) => effects.filter((e) => e.type === 'wake_at');

/** Two criteria ids on tickets, pressed by different properties, so one record can hold an attempt of each. */
const TWO = criteriaSet(
  { within: '1h', retry_window: '2h' },
  { id: 'triage', trigger: { property: 'triage_started_at' }, success: "priority IS KNOWN", within: '10m' },
);

function recordWith(signals: Signal[], criteria = TWO): RecordState {
  const state = newRecordState('ticket', '1');
  for (const s of signals) decide(state, s, criteria);
  return state;
}

describe('decide: effects', () => {
  it('a press writes back its new attempt and asks to be woken at its deadline', () => {
    const state = newRecordState('ticket', '1');
    const d = decide(state, press(0), TWO);
    expect(d).toEqual({ ok: true, state, effects: [{ type: 'outcome_changed', outcome: state.outcomes[0] }, { type: 'wake_at', at: at(60) }] });
  });

  it('only the attempts a signal changed are written back; the wake-up is the earliest timer of all', () => {
    const state = recordWith([press(0), prop(5, 'triage_started_at', 'y')]);
    const [resolve, triage] = state.outcomes;
    // The triage attempt's deadline (15) comes before the resolve attempt's (60).
    expect(wakes(decide(state, prop(6, 'note', 'n'), TWO).effects)).toEqual([{ type: 'wake_at', at: at(15) }]);
    // The triage attempt succeeds and settles; both attempts saw the signal, both are written back.
    const d = decide(state, prop(7, 'priority', 'high'), TWO);
    expect(changed(d.effects)).toEqual([resolve!.outcomeId, triage!.outcomeId]);
    expect(triage!.status).toBe('billable');
    expect(wakes(d.effects)).toEqual([{ type: 'wake_at', at: at(60) }]);
    // Once the resolve attempt is settled too, a signal changes no outcome and no wake-up is due.
    decide(state, closed(8), TWO);
    expect(decide(state, prop(9, 'note', 'n'), TWO).effects).toEqual([]);
  });

  it('a tick fires the timers due at its instant, writes back what they changed, and wakes the record at the next one', () => {
    const state = recordWith([press(0)]);
    const early = decide(state, tick(59), TWO);
    expect(early.effects).toEqual([{ type: 'wake_at', at: at(60) }]);
    const d = decide(state, tick(60), TWO);
    expect(state.outcomes[0]!.status).toBe('failed');
    // Failed within its 2h retry window: the next timer is the window's end.
    expect(d.effects).toEqual([{ type: 'outcome_changed', outcome: state.outcomes[0] }, { type: 'wake_at', at: at(120) }]);
  });

  it('a tick moves the clock past its instant: a signal at that instant afterwards is late', () => {
    const state = recordWith([press(0)]);
    decide(state, tick(30), TWO);
    const same = prop(30, 'note', 'n');
    expect(decide(state, same, TWO).effects).toContainEqual({ type: 'late_signal', signal: same });
    expect(decide(state, prop(30.001, 'note', 'n'), TWO).effects.some((e) => e.type === 'late_signal')).toBe(false);
  });

  it('a tick behind the clock never moves it back', () => {
    const state = recordWith([press(0), prop(40, 'note', 'a')]);
    decide(state, tick(10), TWO);
    expect(state.clock).toBe(at(40));
    const older = prop(39, 'note', 'b');
    expect(decide(state, older, TWO).effects).toContainEqual({ type: 'late_signal', signal: older });
  });

  it('a signal at the record clock is in time; one a millisecond before it is late', () => {
    const state = recordWith([press(0), prop(40, 'note', 'a')]);
    expect(decide(state, prop(40, 'note', 'b'), TWO).effects.some((e) => e.type === 'late_signal')).toBe(false);
    const before: Signal = { ...prop(40, 'note', 'c'), at: at(40) - 1 };
    expect(decide(state, before, TWO).effects).toContainEqual({ type: 'late_signal', signal: before });
  });

  it('a late signal is not lost: its value reaches the record, and an open attempt it completes succeeds', () => {
    const state = recordWith([press(0)]);
    decide(state, tick(10), TWO);
    const late = closed(5);
    expect(decide(state, late, TWO).effects).toContainEqual({ type: 'late_signal', signal: late });
    expect(state.props.get('stage')).toBe('closed');
    expect(state.outcomes[0]!.status).toBe('billable');
  });

  it('an action on an outcome the record does not have is refused with the id in the message', () => {
    const state = recordWith([press(0)]);
    const d = decide(state, { type: 'open_dispute', at: at(5), by: { userId: 1, email: 'a@example.com' }, outcomeId: 'resolve:ticket:1:2026-11-03#7', reason: 'wrong' }, TWO);
    expect(d).toMatchObject({ ok: false, error: { code: 'unknown_outcome', path: ['outcomeId'], message: 'no outcome resolve:ticket:1:2026-11-03#7 on this record' } });
    expect(d.effects).toEqual([{ type: 'wake_at', at: at(60) }]);
  });
});

describe('advance: the run', () => {
  it("reports the record's next timer after the last tick, or null when every attempt is settled", () => {
    const open = advance(newRecordState('ticket', '1'), [press(0)], at(30), TWO);
    expect(open.nextTimerAt).toBe(at(60));
    expect(open.refused).toEqual([]);
    const done = advance(newRecordState('ticket', '1'), [press(0), closed(5)], at(30), TWO);
    expect(done.nextTimerAt).toBeNull();
  });

  it('the final tick fires the timers up to the end and reports what they changed, then the next timer', () => {
    const state = newRecordState('ticket', '1');
    const r = advance(state, [press(0)], at(61), TWO);
    const o = state.outcomes[0]!;
    expect(o.status).toBe('failed');
    expect(r.effects).toEqual([{ type: 'outcome_changed', outcome: o }, { type: 'wake_at', at: at(60) }, { type: 'outcome_changed', outcome: o }, { type: 'wake_at', at: at(120) }]);
    expect(r.nextTimerAt).toBe(at(120));
  });

  it('collects every decision’s effects, in order, then the final tick’s', () => {
    const state = newRecordState('ticket', '1');
    const r = advance(state, [press(0), closed(5)], at(30), TWO);
    const o = state.outcomes[0]!;
    expect(r.effects).toEqual([
      { type: 'outcome_changed', outcome: o },
      { type: 'wake_at', at: at(60) },
      { type: 'outcome_changed', outcome: o },
    ]);
  });
});
