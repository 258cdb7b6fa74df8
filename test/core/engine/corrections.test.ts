// Contract §7 corrections, on hand-built records: where earlier corrections go in a re-derived trail, what counts as a changed field, and what the withdrawn list keeps.
import { describe, expect, it } from 'vitest';
import type { Dispute, LateCause, Outcome, TrailEntry } from '../../../src/core/engine/outcome.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { HUBSPOT_RETRY_SPAN_MS, defaultLateHorizonMs, lateCauseOf, markCorrections } from '../../../src/core/engine/replay.ts';
import { outcomeFixture, stateWith } from '../../support/hubspot-double.ts';
import { criteriaSet } from '../../support/scenario.ts';

const CAUSE: LateCause = { input: 'signal', kind: 'property', at: 3, ref: 'stage@3' };
const NOW = 1_000;

const opened = (at: number): TrailEntry => ({ at, version: 1, type: 'opened' });
const transition = (at: number, to: 'billable' | 'not_billable'): TrailEntry => ({ at, version: 1, type: 'transition', from: 'in_review', to, cause: 'review_end' });
const correction = (at: number, ref: string): TrailEntry => ({ at, version: 1, type: 'corrected', change: 'changed', fields: ['status'], from: 'billable', to: 'not_billable', lateInput: { ...CAUSE, ref } });

const outcome = (recordId: string, over: Partial<Outcome> = {}): Outcome => outcomeFixture({ recordId, status: 'billable', ...over });
const state = (...outcomes: Outcome[]): RecordState => stateWith('ticket', '1', outcomes);
const types = (trail: readonly TrailEntry[]) => trail.map((e) => (e.type === 'corrected' ? `corrected@${e.at} ${e.lateInput.ref}` : `${e.type}@${e.at}`));

describe('earlier corrections in a re-derived trail', () => {
  it('each goes back at its time: after the entries of its own instant, before later ones', () => {
    const before = state(outcome('1', { trail: [opened(0), correction(5, 'a'), correction(7, 'b'), correction(20, 'c')] }));
    const after = state(outcome('1', { trail: [opened(0), transition(5, 'billable'), transition(6, 'billable'), transition(10, 'billable')] }));
    markCorrections(before, after, CAUSE, NOW);
    expect(types(after.outcomes[0]!.trail)).toEqual(['opened@0', 'transition@5', 'corrected@5 a', 'transition@6', 'corrected@7 b', 'transition@10', 'corrected@20 c']);
  });

  it('an unchanged outcome keeps its earlier corrections and gets no new one', () => {
    const before = state(outcome('1', { trail: [opened(0), correction(5, 'a')] }));
    const after = state(outcome('1', { trail: [opened(0), transition(9, 'billable')] }));
    expect(markCorrections(before, after, CAUSE, NOW)).toEqual({ changed: [], appeared: [], withdrawn: [] });
    expect(types(after.outcomes[0]!.trail)).toEqual(['opened@0', 'corrected@5 a', 'transition@9']);
  });

  it('without earlier corrections the replayed trail is kept as it is, with the new correction last', () => {
    const before = state(outcome('1'));
    const after = state(outcome('1', { status: 'not_billable', reason: 'reversed', billingPeriod: null, trail: [opened(0), transition(9, 'not_billable')] }));
    markCorrections(before, after, CAUSE, NOW);
    expect(types(after.outcomes[0]!.trail)).toEqual(['opened@0', 'transition@9', 'corrected@1000 stage@3']);
  });
});

describe('what counts as a change', () => {
  const dispute = (state: Dispute['state']): Dispute => ({ state, reason: 'wrong', openedBy: { userId: 1, email: 'a@example.com' }, openedAt: 5, resolvedBy: null, resolvedAt: null, note: null });

  it('fields are compared by value: a dispute re-derived as it was is no change; one resolved otherwise is', () => {
    const before = state(outcome('1', { dispute: dispute('open') }));
    expect(markCorrections(before, state(outcome('1', { dispute: dispute('open') })), CAUSE, NOW).changed).toEqual([]);
    const after = state(outcome('1', { dispute: dispute('rejected') }));
    expect(markCorrections(before, after, CAUSE, NOW).changed).toHaveLength(1);
    expect(after.outcomes[0]!.trail.at(-1)).toMatchObject({ type: 'corrected', change: 'changed', fields: ['dispute'], from: 'billable', to: 'billable' });
  });

  it('the trail alone is no change', () => {
    const before = state(outcome('1'));
    const after = state(outcome('1', { trail: [opened(0), transition(9, 'billable')] }));
    expect(markCorrections(before, after, CAUSE, NOW).changed).toEqual([]);
  });
});

describe('appeared and withdrawn outcomes', () => {
  it('an appeared or withdrawn outcome names no fields, only the change and the cause', () => {
    const before = state(outcome('1'));
    const after = state(outcome('2'));
    const { appeared, withdrawn } = markCorrections(before, after, CAUSE, NOW);
    expect(appeared[0]!.trail.at(-1)).toEqual({ at: NOW, version: 1, type: 'corrected', change: 'appeared', fields: [], to: 'billable', lateInput: CAUSE });
    expect(withdrawn[0]!.trail.at(-1)).toEqual({ at: NOW, version: 1, type: 'corrected', change: 'withdrawn', fields: [], from: 'billable', lateInput: CAUSE });
    expect(after.withdrawn!.map((o) => o.recordId)).toEqual(['1']);
  });

  it('keeps the outcomes withdrawn before, unless the replay has them again, and adds the newly withdrawn after them', () => {
    const before = { ...state(outcome('1'), outcome('2')), withdrawn: [outcome('3'), outcome('4')] };
    const after = state(outcome('2'), outcome('4'));
    markCorrections(before, after, CAUSE, NOW);
    expect(after.withdrawn!.map((o) => o.recordId)).toEqual(['3', '1']);
  });

  it('a record with nothing withdrawn, before or now, has no withdrawn list', () => {
    const after = state(outcome('1'));
    markCorrections(state(outcome('1')), after, CAUSE, NOW);
    expect(after.withdrawn).toBeUndefined();
  });
});

describe('the late cause and the horizon', () => {
  it('a signal without a ref is named without one', () => {
    expect(lateCauseOf({ kind: 'deleted', objectType: 'ticket', recordId: '1', at: 7 })).toEqual({ input: 'signal', kind: 'deleted', at: 7 });
  });

  it("a version's review window counts toward the horizon", () => {
    const one = criteriaSet({ within: '10m', retry_window: '20m', review_window: '2h' });
    expect(defaultLateHorizonMs(one.versions())).toBe(HUBSPOT_RETRY_SPAN_MS + 150 * 60_000);
  });
});
