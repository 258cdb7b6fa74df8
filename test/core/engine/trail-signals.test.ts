// The audit trail's signal entries (contract §3): what each kind of signal records on an unsettled attempt, and what its checks saw.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/engine/decide.ts';
import type { TrailEntry } from '../../../src/core/engine/outcome.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import type { CriteriaSet } from '../../../src/core/criteria/criteria-set.ts';
import type { Signal } from '../../../src/core/types.ts';
import { at, criteriaSet } from '../../support/scenario.ts';
import { APPROVE_IF, EXCLUDE_TEST, FAIL_IF, REJECT_IF } from './lifecycle-cases.ts';

type SignalEntry = Extract<TrailEntry, { type: 'signal' }>;
const base = { objectType: 'ticket', recordId: '1' } as const;
const prop = (t: number, property: string, value: string, ref?: string): Signal => ({ ...base, kind: 'property', at: at(t), property, value, ...(ref ? { ref } : {}) });
const PRESS = prop(0, 'agent_started_at', 'x', 'press');

/** Applies the signals in order and returns the record; each is a decision of its own. */
function apply(criteria: CriteriaSet, signals: Signal[]): RecordState {
  const state = newRecordState('ticket', '1');
  for (const s of signals) decide(state, s, criteria);
  return state;
}

/** The signal entries the record's first attempt wrote, after its `opened` press. */
function signalEntries(state: RecordState): SignalEntry[] {
  return state.outcomes[0]!.trail.filter((e): e is SignalEntry => e.type === 'signal').slice(1);
}

describe('trail: signal entries', () => {
  const plain = criteriaSet();

  it('a property signal records the property, its value and its reference, at its own time and the pinned version', () => {
    const [entry] = signalEntries(apply(plain, [PRESS, prop(3, 'stage', 'open', 'hs:42')]));
    expect(entry).toEqual({ at: at(3), version: 1, type: 'signal', kind: 'property', property: 'stage', value: 'open', ref: 'hs:42', checks: { success: false } });
  });

  it('a signal without a reference records none', () => {
    const [entry] = signalEntries(apply(plain, [PRESS, prop(3, 'stage', 'open')]));
    expect(entry).not.toHaveProperty('ref');
  });

  it('a value of up to 200 characters is kept whole; a longer one is cut to 199 and an ellipsis', () => {
    const exact = 'a'.repeat(200);
    const long = 'b'.repeat(199) + 'cd';
    const [kept, cut] = signalEntries(apply(plain, [PRESS, prop(1, 'note', exact), prop(2, 'note', long)]));
    expect(kept!.value).toBe(exact);
    expect(cut!.value).toBe(`${'b'.repeat(199)}…`);
    expect(cut!.value).toHaveLength(200);
  });

  it('a deletion, restore or merge records only its kind: no property, value or values', () => {
    const signals: Signal[] = [PRESS, { ...base, kind: 'deleted', at: at(1), ref: 'd' }, { ...base, kind: 'restored', at: at(2) }, { ...base, kind: 'merged_away', at: at(3), into: '9' }];
    const entries = signalEntries(apply(plain, signals));
    expect(entries.map((e) => e.kind)).toEqual(['deleted', 'restored', 'merged_away']);
    for (const e of entries) expect(Object.keys(e).sort()).toEqual(['at', 'checks', 'kind', 'type', 'version', ...(e.ref ? ['ref'] : [])].sort());
    expect(entries[0]!.ref).toBe('d');
  });

  it("a CRM read records whether HubSpot still had the record and the values read, each cut like a property's", () => {
    const read: Signal = { ...base, kind: 'crm_read', at: at(5), found: true, properties: { stage: 'open', note: 'n'.repeat(250) } };
    const [entry] = signalEntries(apply(plain, [PRESS, read]));
    expect(entry).toEqual({ at: at(5), version: 1, type: 'signal', kind: 'crm_read', found: true, values: { stage: 'open', note: `${'n'.repeat(199)}…` }, checks: { success: false } });
    const [gone] = signalEntries(apply(plain, [PRESS, { ...read, found: false, properties: {} }]));
    expect(gone).toMatchObject({ kind: 'crm_read', found: false, values: {} });
  });
});

describe('trail: what the checks saw', () => {
  it('success is written as it held, before the transition it causes', () => {
    const state = apply(criteriaSet(), [PRESS, prop(2, 'stage', 'closed')]);
    const types = state.outcomes[0]!.trail.map((e) => e.type);
    expect(types).toEqual(['opened', 'signal', 'signal', 'transition']);
    expect(signalEntries(state)[0]!.checks).toEqual({ success: true });
  });

  it("an exclusion records the matching rule's label", () => {
    const state = apply(criteriaSet({ exclude: EXCLUDE_TEST }), [PRESS, prop(2, 'subject', 'a test')]);
    expect(signalEntries(state)[0]!.checks).toEqual({ success: false, exclude: 'test_record' });
  });

  it('fail_if is recorded when it was evaluated, true or false; it is not evaluated once success holds', () => {
    const c = criteriaSet({ fail_if: FAIL_IF });
    const state = apply(c, [PRESS, prop(1, 'agent_status', 'ok'), prop(2, 'agent_status', 'error')]);
    expect(signalEntries(state).map((e) => e.checks)).toEqual([{ success: false, failIf: false }, { success: false, failIf: true }]);
    // A read that shows both success and the failure: success wins, and fail_if is never asked.
    const both: Signal = { ...base, kind: 'crm_read', at: at(1), found: true, properties: { stage: 'closed', agent_status: 'error' } };
    const succeeded = apply(c, [PRESS, both]);
    expect(signalEntries(succeeded)[0]!.checks).toEqual({ success: true });
    expect(succeeded.outcomes[0]!.status).toBe('billable');
  });

  it('reject_if and approve_if are recorded in review, each only when it was reached', () => {
    const c = criteriaSet({ review_window: '1h', approve_if: APPROVE_IF, reject_if: REJECT_IF });
    const review = (t: number, v: string) => prop(t, 'billing_review', v);
    const state = apply(c, [PRESS, prop(1, 'stage', 'closed'), review(2, 'pending'), review(3, 'approved')]);
    expect(signalEntries(state).map((e) => e.checks)).toEqual([
      { success: true, rejectIf: false, approveIf: false },
      { success: true, rejectIf: false, approveIf: false },
      { success: true, rejectIf: false, approveIf: true },
    ]);
    expect(state.outcomes[0]!.status).toBe('billable');
    const rejected = apply(c, [PRESS, prop(1, 'stage', 'closed'), review(2, 'rejected')]);
    expect(signalEntries(rejected).at(-1)!.checks).toEqual({ success: true, rejectIf: true });
    expect(rejected.outcomes[0]).toMatchObject({ status: 'not_billable', reason: 'human_review_fail' });
  });

  it('a settled attempt records no more signals', () => {
    const state = apply(criteriaSet(), [PRESS, prop(2, 'stage', 'closed'), prop(3, 'note', 'later')]);
    expect(state.outcomes[0]!.trail.filter((e) => e.type === 'signal')).toHaveLength(2);
  });
});
