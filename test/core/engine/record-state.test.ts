// A record's own state (contract §3): the latest value of each property by event time, and whether the record still exists.
import { describe, expect, it } from 'vitest';
import { applyChange, newRecordState, visibleProps } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import type { Signal } from '../../../src/core/types.ts';

const base = { objectType: 'ticket', recordId: '1' } as const;
const set = (at: number, property: string, value: string): Signal => ({ ...base, kind: 'property', at, property, value });
const gone = (at: number, kind: 'deleted' | 'restored' | 'created' | 'merged'): Signal => ({ ...base, kind, at });
const mergedAway = (at: number, into: string): Signal => ({ ...base, kind: 'merged_away', at, into });
const read = (at: number, found: boolean, properties: Record<string, string>): Signal => ({ ...base, kind: 'crm_read', at, found, properties });

function after(signals: Signal[], initial?: Record<string, string>): RecordState {
  const state = newRecordState('ticket', '1', initial === undefined ? undefined : new Map(Object.entries(initial)));
  for (const s of signals) applyChange(state, s);
  return state;
}

describe('record state: properties', () => {
  it('a new record has the properties it was given, a copy the record owns, and nothing applied yet', () => {
    const initial = new Map([['stage', 'new']]);
    const state = newRecordState('deal', '7', initial);
    applyChange(state, { objectType: 'deal', recordId: '7', kind: 'property', at: 1, property: 'stage', value: 'won' });
    expect(initial.get('stage')).toBe('new');
    expect(state).toMatchObject({ objectType: 'deal', recordId: '7', gone: null, mergedInto: null, outcomes: [], clock: Number.NEGATIVE_INFINITY, paused: 0 });
    expect(newRecordState('ticket', '1').props.size).toBe(0);
  });

  it('the latest event time wins, whatever order the signals arrive in; at one time the later signal wins', () => {
    expect(after([set(2, 'stage', 'b'), set(1, 'stage', 'a')]).props.get('stage')).toBe('b');
    expect(after([set(1, 'stage', 'a'), set(2, 'stage', 'b')]).props.get('stage')).toBe('b');
    expect(after([set(1, 'stage', 'a'), set(1, 'stage', 'b')]).props.get('stage')).toBe('b');
  });

  it('each property keeps its own time: an older value of one property still sets another', () => {
    const state = after([set(5, 'stage', 'b'), set(1, 'owner', 'ann')]);
    expect(Object.fromEntries(state.props)).toEqual({ stage: 'b', owner: 'ann' });
  });

  it("an initial value is overwritten by any signal: it has no event time", () => {
    expect(after([set(-1e12, 'stage', 'b')], { stage: 'a' }).props.get('stage')).toBe('b');
  });

  it("a CRM read fills in the values it saw, but a value the record got after the read stays", () => {
    const state = after([set(10, 'stage', 'later'), read(5, true, { stage: 'read', owner: 'ann' })]);
    expect(Object.fromEntries(state.props)).toEqual({ stage: 'later', owner: 'ann' });
    expect(state.gone).toBeNull();
  });

  it('a CRM read that no longer finds the record marks it deleted; one that finds it does not restore it', () => {
    expect(after([read(5, false, {})]).gone).toBe('deleted');
    expect(after([gone(1, 'deleted'), read(5, true, { stage: 'x' })]).gone).toBe('deleted');
  });

  it('a creation or a merge into the record changes nothing', () => {
    const state = after([set(1, 'stage', 'a'), gone(2, 'created'), gone(3, 'merged')]);
    expect(state).toMatchObject({ gone: null, goneAt: Number.NEGATIVE_INFINITY });
    expect(Object.fromEntries(state.props)).toEqual({ stage: 'a' });
  });
});

describe('record state: deleted, merged away, restored', () => {
  it('a deleted or merged-away record shows no property to conditions until it is restored; its values are kept', () => {
    const deleted = after([set(1, 'stage', 'a'), gone(2, 'deleted')]);
    expect(visibleProps(deleted).size).toBe(0);
    expect(deleted.props.get('stage')).toBe('a');
    const restored = after([set(1, 'stage', 'a'), gone(2, 'deleted'), set(3, 'stage', 'b'), gone(4, 'restored')]);
    expect(Object.fromEntries(visibleProps(restored))).toEqual({ stage: 'b' });
    expect(visibleProps(after([set(1, 'stage', 'a'), mergedAway(2, '9')])).size).toBe(0);
  });

  it('a merge names the record it went into; a restore or a deletion after it clears that', () => {
    expect(after([mergedAway(2, '9')])).toMatchObject({ gone: 'merged', mergedInto: '9', goneAt: 2 });
    expect(after([mergedAway(2, '9'), gone(3, 'restored')])).toMatchObject({ gone: null, mergedInto: null, goneAt: 3 });
    expect(after([mergedAway(2, '9'), gone(3, 'deleted')])).toMatchObject({ gone: 'deleted', mergedInto: null });
  });

  it('an older deletion, merge or restore arriving late never undoes a newer one; at one time the later signal wins', () => {
    expect(after([gone(5, 'restored'), gone(3, 'deleted')]).gone).toBeNull();
    expect(after([gone(5, 'deleted'), mergedAway(3, '9')])).toMatchObject({ gone: 'deleted', mergedInto: null, goneAt: 5 });
    expect(after([gone(5, 'deleted'), gone(5, 'restored')]).gone).toBeNull();
    expect(after([gone(5, 'restored'), gone(5, 'deleted')]).gone).toBe('deleted');
  });
});
