// simulate() and operator actions (contract §7, cli.md `simulate --actions`): pauses apply in time order whatever order
// they were given in, a run may come without actions at all, and refusals say what and where, ties in the order taken.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/engine/input.ts';
import { simulate } from '../../src/core/simulate.ts';
import { at, criteriaSet, run, signalsOf } from '../support/scenario.ts';
import { closed, press } from './engine/lifecycle-cases.ts';

const BY = { userId: 7, email: 'ann@example.com' };
const pause = (t: number, criteriaId = 'resolve'): Action => ({ type: 'pause', at: at(t), by: BY, criteriaId, note: 'Hold on.' });
const resume = (t: number, criteriaId = 'resolve'): Action => ({ type: 'resume', at: at(t), by: BY, criteriaId, note: 'Go on.' });
const open = (t: number, outcomeId: string): Action => ({ type: 'open_dispute', at: at(t), by: BY, outcomeId, reason: 'Not resolved.' });

describe('simulate(): pauses', () => {
  it('§7 a pause and its resume given in reverse order still apply by time: a press in between is paused', () => {
    const r = run([press(15, '1'), press(25, '2'), closed(26, '2')], { actions: [resume(20), pause(10)] });
    expect(r.refused).toEqual([]);
    expect(r.summary).toMatchObject({ presses: 2, paused: 1, attempts: 1, billable: 1 });
  });

  it('§7 paused presses of several records add up', () => {
    const r = run([press(15, '1'), press(16, '2'), press(17, '3')], { actions: [pause(10)] });
    expect(r.summary).toMatchObject({ presses: 3, paused: 3, attempts: 0 });
  });

  it('§7 a pause of a criteria id not in the run is refused, naming the id', () => {
    const r = run([press(15, '1')], { actions: [pause(10, 'other')] });
    expect(r.refused.map((x) => x.error)).toEqual([{ code: 'unknown_criteria', path: ['criteriaId'], message: 'no criteria other' }]);
    expect(r.summary).toMatchObject({ paused: 0, attempts: 1 });
  });
});

describe('simulate(): refusals', () => {
  it('§5 a dispute of an outcome that is not in the run says which', () => {
    const r = run([press(0), closed(5)], { actions: [open(20, 'resolve:ticket:9:2026-11-03#1')] });
    expect(r.refused.map((x) => x.error)).toEqual([{ code: 'unknown_outcome', path: ['outcomeId'], message: 'no outcome resolve:ticket:9:2026-11-03#1' }]);
  });

  it('§7 refusals at one instant keep the order the actions were taken in, whatever their kind', () => {
    const actions = [open(30, 'nope'), pause(30, 'other'), open(30, 'nope-2')];
    const r = run([press(0), closed(5)], { actions });
    expect(r.refused.map((x) => x.action)).toEqual(actions);
  });

  it('a run given no actions at all is a run without actions', () => {
    const criteria = criteriaSet();
    const r = simulate({ criteria, records: [], signals: signalsOf([press(0), closed(5)]), until: null });
    expect(r.refused).toEqual([]);
    expect(r.summary).toMatchObject({ presses: 1, billable: 1, paused: 0 });
  });
});
