// Late inputs replayed exactly (contract §7): replay from a checkpoint equals simulate, and each changed outcome says which late input changed it.
import { describe, expect, it } from 'vitest';
import { advance } from '../../../src/core/engine/advance.ts';
import { sortInTimeOrder } from '../../../src/core/engine/input.ts';
import type { DisputeAction, RecordInput } from '../../../src/core/engine/input.ts';
import type { TrailEntry } from '../../../src/core/engine/outcome.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { HUBSPOT_RETRY_SPAN_MS, defaultLateHorizonMs, isBehind, lateCauseOf, markCorrections, replayFrom } from '../../../src/core/engine/replay.ts';
import { outcomeView } from '../../../src/core/ledger-view.ts';
import { simulate } from '../../../src/core/simulate.ts';
import type { Signal } from '../../../src/core/types.ts';
import { at, criteriaSet } from '../../support/scenario.ts';

const criteria = criteriaSet({ within: '10m', retry_window: '20m', review_window: '1h', cooldown: '30s', trigger: { property: 'agent_started_at', when: "agent_action IS UNKNOWN OR agent_action = 'resolve'" } });
const prop = (t: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '1', at: at(t), property, value, ref: `${property}@${t}` });
const pressAt = (t: number) => prop(t, 'agent_started_at', `p${t}`);
const END = at(24 * 60);

/** The record as the live service had it: the on-time inputs only, in order. */
function live(inputs: readonly RecordInput[], until = END): RecordState {
  const state = newRecordState('ticket', '1');
  advance(state, sortInTimeOrder([...inputs]), until, criteria);
  return state;
}

/** The record re-derived with the late inputs in their place, and the corrections against `before`. */
function replayWith(before: RecordState, inputs: readonly RecordInput[], late: RecordInput, until = END) {
  const { state } = replayFrom(newRecordState('ticket', '1'), sortInTimeOrder([...inputs]), until, criteria);
  return { state, corrections: markCorrections(before, state, lateCauseOf(late), until) };
}

const corrected = (trail: readonly TrailEntry[]) => trail.filter((e) => e.type === 'corrected');
const withoutCorrections = (state: RecordState) => state.outcomes.map((o) => ({ ...outcomeView(o, true), trail: outcomeView(o, true).trail!.filter((e) => e.type !== 'corrected') }));

describe('replay from a checkpoint', () => {
  it('gives exactly what simulate gives over the same signals, whatever order they came in', () => {
    const signals = [pressAt(0), prop(3, 'stage', 'closed'), prop(30, 'stage', 'open'), pressAt(90), prop(95, 'agent_status', 'x'), prop(99, 'stage', 'closed')];
    const expected = simulate({ criteria, records: [], signals, until: END }).outcomes.map((o) => outcomeView(o, true));
    for (const order of [[...signals].reverse(), [signals[3]!, signals[0]!, signals[5]!, signals[1]!, signals[4]!, signals[2]!]]) {
      const { state } = replayFrom(newRecordState('ticket', '1'), sortInTimeOrder([...order]), END, criteria);
      expect(state.outcomes.map((o) => outcomeView(o, true))).toEqual(expected);
    }
  });

  it('from a checkpoint folded at a time between the inputs, equals the replay from the start (what folding relies on)', () => {
    const signals = [pressAt(0), prop(3, 'stage', 'closed'), pressAt(100), prop(105, 'stage', 'closed')];
    const whole = replayFrom(newRecordState('ticket', '1'), signals, END, criteria).state;
    const checkpoint = replayFrom(newRecordState('ticket', '1'), signals.slice(0, 2), at(50), criteria).state;
    const fromCheckpoint = replayFrom(checkpoint, signals.slice(2), END, criteria).state;
    expect(fromCheckpoint.outcomes).toEqual(whole.outcomes);
    // The checkpoint itself is not changed by a replay from it.
    expect(checkpoint.clock).toBe(at(50) + 1);
    expect(checkpoint.outcomes[0]!.status).toBe('in_review');
  });

  it('knows an input behind the clock: after a run up to 5, everything at 5 has happened (its timers fired)', () => {
    const state = live([pressAt(0)], at(5));
    expect(isBehind(state, pressAt(4))).toBe(true);
    expect(isBehind(state, prop(5, 'x', 'y'))).toBe(true);
    expect(isBehind(state, { ...prop(5, 'x', 'y'), at: at(5) + 1 })).toBe(false);
  });
});

describe('corrections: what a late input changed, said on each outcome', () => {
  it('a late success turns a missed deadline into a billable outcome, naming the late signal and the fields', () => {
    const late = prop(5, 'stage', 'closed');
    const before = live([pressAt(0)]);
    expect(before.outcomes[0]).toMatchObject({ status: 'not_billable', reason: 'latency_breach' });
    const { state, corrections } = replayWith(before, [pressAt(0), late], late);
    expect(corrections.changed.map((o) => o.outcomeId)).toEqual([before.outcomes[0]!.outcomeId]);
    expect(corrections.appeared).toEqual([]);
    const o = state.outcomes[0]!;
    expect(o).toMatchObject({ status: 'billable', succeededAt: at(5) });
    expect(corrected(o.trail)).toEqual([
      {
        at: END,
        version: 1,
        type: 'corrected',
        change: 'changed',
        fields: expect.arrayContaining(['status', 'reason', 'succeededAt', 'settledAt']) as string[],
        from: 'not_billable',
        to: 'billable',
        lateInput: { input: 'signal', kind: 'property', at: at(5), ref: 'stage@5' },
      },
    ]);
    // Apart from the correction, the trail is the one simulate writes.
    expect(withoutCorrections(state)).toEqual(simulate({ criteria, records: [], signals: [pressAt(0), late], until: END }).outcomes.map((o) => outcomeView(o, true)));
  });

  it('an outcome a late press opens has appeared; one the late input shows never happened is withdrawn, out of the ledger but kept', () => {
    const latePress = pressAt(200);
    const before = live([pressAt(0), prop(3, 'stage', 'closed')]);
    const appeared = replayWith(before, [pressAt(0), prop(3, 'stage', 'closed'), latePress], latePress);
    expect(appeared.corrections.appeared.map((o) => o.openedAt)).toEqual([at(200)]);
    expect(corrected(appeared.state.outcomes[1]!.trail)).toMatchObject([{ change: 'appeared', to: 'billable' }]);

    // The press at 10 counted; a change at 7 that arrived late says the agent was not resolving then.
    const blocker = prop(7, 'agent_action', 'enrich');
    const had = live([pressAt(10), prop(12, 'stage', 'closed')]);
    expect(had.outcomes).toHaveLength(1);
    const { state, corrections } = replayWith(had, [pressAt(10), prop(12, 'stage', 'closed'), blocker], blocker);
    expect(state.outcomes).toEqual([]);
    expect(corrections.withdrawn.map((o) => o.outcomeId)).toEqual([had.outcomes[0]!.outcomeId]);
    expect(state.withdrawn).toHaveLength(1);
    expect(state.withdrawn![0]).toMatchObject({ status: 'billable' });
    expect(corrected(state.withdrawn![0]!.trail)).toMatchObject([{ change: 'withdrawn', from: 'billable', lateInput: { ref: 'agent_action@7' } }]);
  });

  it('an outcome the late input leaves as it was is not corrected, though its trail now has the signal', () => {
    const late = prop(2, 'note', 'hello');
    const before = live([pressAt(0), prop(3, 'stage', 'closed')]);
    const { state, corrections } = replayWith(before, [pressAt(0), late, prop(3, 'stage', 'closed')], late);
    expect(corrections).toEqual({ changed: [], appeared: [], withdrawn: [] });
    expect(corrected(state.outcomes[0]!.trail)).toEqual([]);
  });

  it('keeps earlier corrections in the trail when a later replay re-derives it, in time order', () => {
    const first = prop(5, 'stage', 'closed');
    const before = live([pressAt(0)], at(60));
    const once = replayWith(before, [pressAt(0), first], first, at(60)).state;
    const second = prop(20, 'stage', 'open');
    const twice = replayWith(once, [pressAt(0), first, second], second, at(120));
    const entries = corrected(twice.state.outcomes[0]!.trail);
    expect(entries.map((e) => e.at)).toEqual([at(60), at(120)]);
    expect(twice.state.outcomes[0]).toMatchObject({ status: 'not_billable', reason: 'reversed' });
    const ats = twice.state.outcomes[0]!.trail.map((e) => e.at);
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
  });

  it('names an operator action as the cause by its type and outcome', () => {
    const action: DisputeAction = { type: 'open_dispute', at: at(1), by: { userId: 1, email: 'a@example.com' }, outcomeId: 'x#1', reason: 'r' };
    expect(lateCauseOf(action)).toEqual({ input: 'action', kind: 'open_dispute', at: at(1), ref: 'x#1' });
  });
});

describe('the late horizon', () => {
  it('is HubSpot’s 24 h of retries plus the longest deadline + retry window + review of any version', () => {
    const two = criteriaSet({ within: '10m', retry_window: '20m', review_window: '1h' }, { version: 2, effective_from: '2026-06-01T00:00:00Z', change_notes: 'longer', within: '2h', retry_window: '1h', review_window: '0' });
    expect(defaultLateHorizonMs(two.versions())).toBe(HUBSPOT_RETRY_SPAN_MS + 3 * 3_600_000);
    expect(HUBSPOT_RETRY_SPAN_MS).toBe(24 * 3_600_000);
  });
});
