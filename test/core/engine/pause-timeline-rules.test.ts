// Pauses (contract §7): the portal's pause timeline, what it refuses, and which presses fall inside a pause.
import { describe, expect, it } from 'vitest';
import type { PauseAction } from '../../../src/core/engine/input.ts';
import { isPauseAction } from '../../../src/core/engine/input.ts';
import { NO_PAUSES, PauseTimeline } from '../../../src/core/engine/pauses.ts';

const BY = { userId: 7, email: 'ann@example.com' };
const known = (id: string) => id === 'resolve' || id === 'enrich';
const act = (type: 'pause' | 'resume', at: number, o: Partial<PauseAction> = {}): PauseAction => ({ type, at, by: BY, criteriaId: 'resolve', note: 'Incident 42.', ...o });

function timeline(...actions: PauseAction[]): PauseTimeline {
  const t = new PauseTimeline();
  for (const a of actions) {
    const error = t.apply(a, known);
    if (error) throw new Error(error.message);
  }
  return t;
}

describe('§7 the pause timeline', () => {
  it('a press is paused after the pause instant, up to and including the resume instant', () => {
    const t = timeline(act('pause', 100), act('resume', 200));
    expect([99, 100, 101, 199, 200, 201].map((at) => t.isPaused('resolve', at))).toEqual([false, false, true, true, true, false]);
    expect(t.pausedNow('resolve')).toBe(false);
  });

  it('an open pause lasts until it is resumed', () => {
    const t = timeline(act('pause', 100));
    expect(t.isPaused('resolve', 1e15)).toBe(true);
    expect(t.pausedNow('resolve')).toBe(true);
  });

  it('several pauses: each span counts, the gaps between them do not', () => {
    const t = timeline(act('pause', 100), act('resume', 200), act('pause', 300), act('resume', 400), act('pause', 500));
    const at = [50, 150, 250, 300, 350, 400, 450, 501];
    expect(at.map((x) => t.isPaused('resolve', x))).toEqual([false, true, false, false, true, true, false, true]);
  });

  it('a pause and a resume at one instant pause nothing', () => {
    const t = timeline(act('pause', 100), act('resume', 100));
    expect([99, 100, 101].map((x) => t.isPaused('resolve', x))).toEqual([false, false, false]);
  });

  it('pauses are per criteria id', () => {
    const t = timeline(act('pause', 100));
    expect(t.isPaused('enrich', 150)).toBe(false);
    expect(t.pausedNow('enrich')).toBe(false);
    expect(NO_PAUSES.isPaused('resolve', 150)).toBe(false);
  });

  it.each([
    { rule: 'a pause of an id that is already paused', actions: [act('pause', 100)], next: act('pause', 150), code: 'already_paused', path: ['criteriaId'], message: 'resolve is already paused' },
    { rule: 'a resume of an id that is not paused', actions: [], next: act('resume', 150), code: 'not_paused', path: ['criteriaId'], message: 'resolve is not paused' },
    { rule: 'a second resume', actions: [act('pause', 100), act('resume', 120)], next: act('resume', 150), code: 'not_paused', path: ['criteriaId'], message: 'resolve is not paused' },
    {
      rule: 'an action earlier than one already taken on the id',
      actions: [act('pause', 100), act('resume', 200)],
      next: act('pause', 150),
      code: 'out_of_order',
      path: ['at'],
      message: "an action on resolve was already taken after this one's time",
    },
    { rule: 'an unknown criteria id', actions: [], next: act('pause', 100, { criteriaId: 'nope' }), code: 'unknown_criteria', path: ['criteriaId'], message: 'no criteria nope' },
    { rule: 'a blank note', actions: [], next: act('pause', 100, { note: ' ' }), code: 'invalid_action', path: ['note'], message: 'must say why' },
    { rule: 'an empty note', actions: [], next: act('pause', 100, { note: '' }), code: 'invalid_action', path: ['note'], message: 'must say why' },
  ] as const)('refuses $rule, and changes nothing', ({ actions, next, code, path, message }) => {
    const t = timeline(...actions);
    const before = [t.pausedNow('resolve'), t.isPaused('resolve', 175)];
    expect(t.apply(next, known)).toEqual({ code, path, message });
    expect([t.pausedNow('resolve'), t.isPaused('resolve', 175)]).toEqual(before);
  });

  it('an action at the same instant as the last one is in order', () => {
    const t = timeline(act('pause', 100));
    expect(t.apply(act('resume', 100), known)).toBeNull();
    expect(t.apply(act('pause', 100), known)).toBeNull();
    expect(t.pausedNow('resolve')).toBe(true);
  });

  it('a refused action does not move the id’s last instant', () => {
    const t = timeline(act('pause', 100));
    expect(t.apply(act('pause', 300), known)?.code).toBe('already_paused');
    expect(t.apply(act('resume', 200), known)).toBeNull();
  });

  it('pause and resume are the portal actions; disputes are not', () => {
    expect(isPauseAction(act('pause', 1))).toBe(true);
    expect(isPauseAction(act('resume', 1))).toBe(true);
    expect(isPauseAction({ type: 'open_dispute', at: 1, by: BY, outcomeId: 'x', reason: 'r' })).toBe(false);
  });
});
