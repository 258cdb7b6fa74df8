// Disputes refused (contract §5, §7): the reason each refusal gives, where it points, and a credited outcome staying settled.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/engine/decide.ts';
import type { DisputeAction } from '../../../src/core/engine/input.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { at, criteriaSet, run, signalsOf } from '../../support/scenario.ts';
import type { Step } from '../../support/scenario.ts';
import { EXCLUDE_TEST, closed, press, put } from './lifecycle-cases.ts';

const ID = 'resolve:ticket:1:2026-11-03#1';
const BY = { userId: 7, email: 'ann@example.com' };
const criteria = criteriaSet({ exclude: EXCLUDE_TEST });
const open = (t: number): DisputeAction => ({ type: 'open_dispute', at: at(t), by: BY, outcomeId: ID, reason: 'Not resolved.' });
const resolve = (t: number, resolution: 'upheld' | 'rejected' = 'upheld'): DisputeAction => ({ type: 'resolve_dispute', at: at(t), by: BY, outcomeId: ID, resolution, note: 'Checked.' });

function recordAfter(steps: Step[], until: number): RecordState {
  return run(steps, { criteria, until }).states.get('ticket:1')!;
}

describe('dispute refusals: the reason shown and the field it points at', () => {
  it('a dispute of an outcome that is not billable names the outcome and its status', () => {
    const d = decide(recordAfter([press(0)], 1), open(2), criteria);
    expect(d).toMatchObject({ ok: false, error: { code: 'not_disputable', path: ['outcomeId'], message: `only a billable outcome can be disputed; ${ID} is open` } });
  });

  it('a second open dispute names the outcome', () => {
    const state = recordAfter([press(0), closed(5)], 10);
    expect(decide(state, open(20), criteria).ok).toBe(true);
    expect(decide(state, open(21), criteria)).toMatchObject({ ok: false, error: { code: 'not_disputable', path: ['outcomeId'], message: `${ID} already has an open dispute` } });
  });

  it('resolving with no open dispute names the outcome', () => {
    expect(decide(recordAfter([press(0), closed(5)], 10), resolve(20), criteria)).toMatchObject({
      ok: false,
      error: { code: 'no_open_dispute', path: ['outcomeId'], message: `${ID} has no open dispute to resolve` },
    });
  });
});

describe('a credited outcome is settled', () => {
  it('signals after the credit leave it alone: no trail entry, no exclusion, no timer', () => {
    const state = recordAfter([press(0), closed(5)], 10);
    decide(state, open(20), criteria);
    decide(state, resolve(30), criteria);
    const o = state.outcomes[0]!;
    const trail = o.trail.length;
    let effects: unknown[] = [];
    for (const s of signalsOf([put(40, { subject: 'a test' })])) effects = decide(state, s, criteria).effects;
    expect(o).toMatchObject({ status: 'credited', reason: null, label: null });
    expect(o.trail).toHaveLength(trail);
    expect(effects).toEqual([]);
  });
});
