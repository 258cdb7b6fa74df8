// Every input at its own event time (contract §7): actions among signals, and one instant's order.
import { describe, expect, it } from 'vitest';
import { advance } from '../../../src/core/engine/advance.ts';
import { decide } from '../../../src/core/engine/decide.ts';
import { inTimeOrder, sortInTimeOrder } from '../../../src/core/engine/input.ts';
import type { DisputeAction, RecordInput } from '../../../src/core/engine/input.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { outcomeView } from '../../../src/core/ledger-view.ts';
import type { Signal } from '../../../src/core/types.ts';
import { at, criteriaSet, iso, signalsOf } from '../../support/scenario.ts';
import { closed, K, press, REVIEW, review } from './lifecycle-cases.ts';

const K1 = `${K}#1`;
const open = (t: number, outcomeId = K1): DisputeAction => ({ type: 'open_dispute', at: at(t), outcomeId, by: { userId: 7, email: 'ann@example.com' }, reason: 'Customer reopened it.' });
const resolve = (t: number): DisputeAction => ({ type: 'resolve_dispute', at: at(t), outcomeId: K1, by: { userId: 8, email: 'ben@example.com' }, resolution: 'upheld', note: 'Agreed.' });
const prop = (t: number, property: string, ref: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '1', at: at(t), property, value: 'x', ref });

/** A record whose attempt succeeded at 5 and is in review until 65 (review_window 1h, approve_if). */
const reviewCriteria = criteriaSet({ ...REVIEW, approve_if: "billing_review = 'approved'" });
function inReview(): RecordState {
  const state = newRecordState('ticket', '1');
  advance(state, signalsOf([press(0), closed(5)]), at(10), reviewCriteria);
  return state;
}

describe('inTimeOrder: signals and actions as one stream', () => {
  it('orders by event time, whatever the lists’ own order', () => {
    const signals = [prop(20, 'a', 's20'), prop(0, 'b', 's0')];
    const actions = [open(30), open(10)];
    expect(inTimeOrder(signals, actions).map((i) => i.at)).toEqual([at(0), at(10), at(20), at(30)]);
  });

  it('contract §7: at one instant every signal comes before every action, even one given first', () => {
    const s1 = prop(5, 'a', 's1');
    const s2 = prop(5, 'b', 's2');
    const a1 = open(5);
    const a2 = resolve(5);
    expect(inTimeOrder([s1, s2], [a1, a2])).toEqual([s1, s2, a1, a2]);
    expect(inTimeOrder([s2, s1], [a2, a1])).toEqual([s2, s1, a2, a1]);
  });

  it('ties keep the order given: signals as they arrived, actions as they were taken', () => {
    const signals = [prop(5, 'a', 'first'), prop(5, 'a', 'second'), prop(1, 'a', 'earlier')];
    const out = inTimeOrder(signals, []) as Signal[];
    expect(out.map((s) => s.ref)).toEqual(['earlier', 'first', 'second']);
  });

  it('is pure: a new array, the lists unchanged', () => {
    const signals = [prop(2, 'a', 's2'), prop(1, 'a', 's1')];
    const actions = [open(3)];
    const copy = [...signals];
    const out: RecordInput[] = inTimeOrder(signals, actions);
    expect(out).not.toBe(signals);
    expect(signals).toEqual(copy);
    expect(inTimeOrder(signals, [])).not.toBe(signals);
  });

  it('sortInTimeOrder puts a list its caller owns in the same order, in place', () => {
    const s = prop(5, 'a', 's');
    const a = open(5);
    const list: RecordInput[] = [a, prop(9, 'a', 'later'), s];
    expect(sortInTimeOrder(list)).toBe(list);
    expect(list.slice(0, 2)).toEqual([s, a]);
  });
});

describe('decide: an action at its own time', () => {
  it('a dispute opens at the action’s time, not at the record’s clock', () => {
    const criteria = criteriaSet();
    const state = newRecordState('ticket', '1');
    advance(state, signalsOf([press(0), closed(5)]), at(10), criteria);
    const d = decide(state, open(40), criteria);
    expect(d.ok).toBe(true);
    expect(outcomeView(state.outcomes[0]!).dispute).toMatchObject({ state: 'open', openedAt: iso(40) });
    expect(state.outcomes[0]!.trail.at(-1)).toMatchObject({ type: 'dispute_opened', at: at(40) });
  });

  it('the timers due strictly before the action fire first: a review that ended at 65 settles, then the dispute at 70 opens', () => {
    const state = inReview();
    const d = decide(state, open(70), reviewCriteria);
    expect(d.ok).toBe(true);
    expect(outcomeView(state.outcomes[0]!)).toMatchObject({ status: 'billable', settledAt: iso(65), dispute: { state: 'open', openedAt: iso(70) } });
    expect(d.effects).toContainEqual({ type: 'outcome_changed', outcome: state.outcomes[0] });
  });

  it('contract §7: at one instant an action comes before the timers: a dispute at the review end is refused (still in review)', () => {
    const state = inReview();
    const d = decide(state, open(65), reviewCriteria);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.code).toBe('not_disputable');
    expect(state.outcomes[0]!.status).toBe('in_review');
    decide(state, { type: 'tick', at: at(65) }, reviewCriteria);
    expect(outcomeView(state.outcomes[0]!)).toMatchObject({ status: 'billable', settledAt: iso(65), dispute: null });
  });

  it('a refused action changes nothing, but reports what the timers before it changed', () => {
    const state = inReview();
    const d = decide(state, open(70, 'resolve:ticket:1:2026-11-03#9'), reviewCriteria);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.code).toBe('unknown_outcome');
    const o = state.outcomes[0]!;
    expect(outcomeView(o)).toMatchObject({ status: 'billable', settledAt: iso(65), dispute: null });
    expect(o.trail.some((e) => e.type === 'dispute_opened')).toBe(false);
    expect(d.effects).toContainEqual({ type: 'outcome_changed', outcome: o });
  });

  it('the action moves the record’s clock: a signal older than it is late', () => {
    const criteria = criteriaSet();
    const state = newRecordState('ticket', '1');
    advance(state, signalsOf([press(0), closed(5)]), at(10), criteria);
    decide(state, open(40), criteria);
    expect(state.clock).toBe(at(40));
    const late = prop(30, 'note', 'late');
    expect(decide(state, late, criteria).effects).toContainEqual({ type: 'late_signal', signal: late });
  });

  it('an action behind the clock still applies at its own time', () => {
    const criteria = criteriaSet();
    const state = newRecordState('ticket', '1');
    advance(state, signalsOf([press(0), closed(5)]), at(100), criteria);
    expect(decide(state, open(50), criteria).ok).toBe(true);
    expect(outcomeView(state.outcomes[0]!).dispute).toMatchObject({ openedAt: iso(50) });
    expect(state.clock).toBe(at(100) + 1);
  });
});

describe('advance: signals and actions in one stream', () => {
  it('contract §7: at one instant signals, then actions, then timers (approval at 65, dispute at 65, review end at 65)', () => {
    const state = newRecordState('ticket', '1');
    const signals = signalsOf([press(0), closed(5), review(65, 'approved')]);
    const { refused } = advance(state, inTimeOrder(signals, [open(65)]), at(200), reviewCriteria);
    expect(refused).toEqual([]);
    expect(outcomeView(state.outcomes[0]!)).toMatchObject({ status: 'billable', settledAt: iso(65), dispute: { state: 'open', openedAt: iso(65) } });
    const last = state.outcomes[0]!.trail.slice(-2);
    expect(last.map((e) => [e.type, e.at])).toEqual([
      ['transition', at(65)],
      ['dispute_opened', at(65)],
    ]);
  });

  it('a dispute upheld between two months credits in the month it was upheld, with the signals around it applied in time', () => {
    const criteria = criteriaSet();
    const state = newRecordState('ticket', '1');
    const signals = signalsOf([press(0), closed(5), { at: '2026-12-02T00:00:00Z', set: { note: 'later' } }]);
    const actions = [open(60), { ...resolve(0), at: Date.parse('2026-12-01T09:00:00Z') }];
    const { refused } = advance(state, inTimeOrder(signals, actions), Date.parse('2026-12-31T00:00:00Z'), criteria);
    expect(refused).toEqual([]);
    expect(outcomeView(state.outcomes[0]!)).toMatchObject({ status: 'credited', billedPeriod: '2026-11', creditPeriod: '2026-12' });
  });

  it('a refused action is reported, and the run goes on', () => {
    const state = newRecordState('ticket', '1');
    const action = open(2);
    const { refused } = advance(state, inTimeOrder(signalsOf([press(0), closed(5)]), [action]), at(200), criteriaSet());
    expect(refused).toEqual([{ action, error: expect.objectContaining({ code: 'not_disputable' }) }]);
    expect(outcomeView(state.outcomes[0]!)).toMatchObject({ status: 'billable', settledAt: iso(5), dispute: null });
  });
});
