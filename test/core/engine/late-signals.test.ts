// Signals that reach the live service later than its hold (decide() with a signal behind the record's clock).
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/engine/decide.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import type { Signal } from '../../../src/core/types.ts';
import { at, criteriaSet } from '../../support/scenario.ts';

const criteria = criteriaSet({ within: '10m', review_window: '1h', cooldown: '30s' });
const prop = (t: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '1', at: at(t), property, value, ref: `${property}@${t}` });
const kind = (t: number, k: 'deleted' | 'restored'): Signal => ({ kind: k, objectType: 'ticket', recordId: '1', at: at(t) });

function run(state: RecordState, inputs: (Signal | { tick: number })[]): RecordState {
  for (const i of inputs) {
    const d = decide(state, 'tick' in i ? { type: 'tick', at: at(i.tick) } : i, criteria);
    if (!d.ok) throw new Error(d.error.message);
  }
  return state;
}

describe('late signals (issue 3: arrivals behind the record clock)', () => {
  it('a late press is not lost: it opens its attempt at the earliest open instant, noting its real time', () => {
    const s = run(newRecordState('ticket', '1'), [prop(0.5, 'note', 'x'), { tick: 1 }, prop(0, 'agent_started_at', 'p'), prop(5, 'stage', 'closed'), { tick: 200 }]);
    expect(s.outcomes).toHaveLength(1);
    const o = s.outcomes[0]!;
    expect(o).toMatchObject({ status: 'billable', openedAt: at(1) + 1, succeededAt: at(5) });
    expect(o.trail.find((e) => e.type === 'late')).toMatchObject({ signalAt: at(0) });
  });

  it('a late press that belongs to an attempt settled since changes nothing', () => {
    const s = run(newRecordState('ticket', '1'), [prop(0, 'agent_started_at', 'p'), prop(1, 'stage', 'closed'), { tick: 100 }]);
    const before = structuredClone(s.outcomes);
    run(s, [prop(0.25, 'agent_started_at', 'p')]);
    expect(s.outcomes).toHaveLength(1);
    expect({ ...s.outcomes[0], trail: [] }).toEqual({ ...before[0], trail: [] });
    expect(s.outcomes[0]!.trail.at(-1)).toMatchObject({ type: 'late', signalAt: at(0.25) });
  });

  it('an older value arriving late never overwrites a newer one', () => {
    const s = run(newRecordState('ticket', '1'), [prop(2, 'stage', 'open'), { tick: 3 }, prop(1, 'stage', 'closed')]);
    expect(s.props.get('stage')).toBe('open');
  });

  it('a deletion arriving after the restore that followed it does not delete the record again', () => {
    const s = run(newRecordState('ticket', '1'), [kind(1, 'deleted'), kind(2, 'restored'), { tick: 3 }, kind(1, 'deleted')]);
    expect(s.gone).toBeNull();
    const t = run(newRecordState('ticket', '1'), [kind(2, 'restored'), kind(3, 'deleted'), { tick: 4 }, kind(2, 'restored')]);
    expect(t.gone).toBe('deleted');
  });
});
