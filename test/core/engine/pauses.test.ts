// Contract §7 pause and resume, on the PauseTimeline itself: what applies, what is refused (and changes nothing), and its boundaries.
import { describe, expect, it } from 'vitest';
import type { PauseAction } from '../../../src/core/engine/input.ts';
import { NO_PAUSES, PauseTimeline } from '../../../src/core/engine/pauses.ts';
import type { PauseError } from '../../../src/core/engine/pauses.ts';

const BY = { userId: 7, email: 'ann@example.com' };
const KNOWN = new Set(['resolve', 'route']);
const known = (id: string) => KNOWN.has(id);

type Step = { type: 'pause' | 'resume'; at: number; criteriaId?: string; note?: string; by?: PauseAction['by'] };
const action = (s: Step): PauseAction => ({ type: s.type, at: s.at, by: s.by ?? BY, criteriaId: s.criteriaId ?? 'resolve', note: s.note ?? 'Agent misbehaving.' });

/** Applies every step; all but the last must apply. Returns the timeline and the last step's error. */
function timeline(...steps: Step[]): { t: PauseTimeline; error: PauseError | null } {
  const t = new PauseTimeline();
  let error: PauseError | null = null;
  steps.forEach((s, i) => {
    if (error) throw new Error(`step ${i - 1} was refused: ${error.message}`);
    error = t.apply(action(s), known);
  });
  return { t, error };
}

/** What the timeline answers at a few instants, to check that a refusal changed nothing. */
const answers = (t: PauseTimeline, id = 'resolve') => [0, 5, 10, 15, 20, 25, 30, 100].map((at) => t.isPaused(id, at));

describe('§7 pause and resume: what applies', () => {
  it('a pause pauses the id from just after its instant: a press at the same instant is not paused (signals come first)', () => {
    const { t, error } = timeline({ type: 'pause', at: 10 });
    expect(error).toBeNull();
    expect(t.isPaused('resolve', 9)).toBe(false);
    expect(t.isPaused('resolve', 10)).toBe(false);
    expect(t.isPaused('resolve', 11)).toBe(true);
    expect(t.isPaused('resolve', 1e15)).toBe(true);
    expect(t.pausedNow('resolve')).toBe(true);
  });

  it('a resume ends the pause just after its instant: a press at the resume’s instant is still paused', () => {
    const { t, error } = timeline({ type: 'pause', at: 10 }, { type: 'resume', at: 20 });
    expect(error).toBeNull();
    expect(t.isPaused('resolve', 20)).toBe(true);
    expect(t.isPaused('resolve', 21)).toBe(false);
    expect(t.pausedNow('resolve')).toBe(false);
  });

  it('several pauses of one id: each span counts, the gaps between them do not', () => {
    const { t } = timeline({ type: 'pause', at: 0 }, { type: 'resume', at: 10 }, { type: 'pause', at: 20 }, { type: 'resume', at: 30 });
    expect(answers(t)).toEqual([false, true, true, false, false, true, true, false]);
  });

  it('pauses are per criteria id: another id is not paused', () => {
    const { t } = timeline({ type: 'pause', at: 0 });
    expect(t.isPaused('route', 5)).toBe(false);
    expect(t.pausedNow('route')).toBe(false);
    expect(t.isPaused('never-defined', 5)).toBe(false);
  });

  it('a pause and a resume at the same instant pause nothing', () => {
    const { t, error } = timeline({ type: 'pause', at: 10 }, { type: 'resume', at: 10 });
    expect(error).toBeNull();
    expect([9, 10, 11].map((at) => t.isPaused('resolve', at))).toEqual([false, false, false]);
  });

  it('ids keep their own order: an earlier action on another id still applies', () => {
    const { error } = timeline({ type: 'pause', at: 20 }, { type: 'pause', at: 5, criteriaId: 'route' });
    expect(error).toBeNull();
  });

  it('NO_PAUSES pauses nothing', () => {
    expect(NO_PAUSES.isPaused('resolve', 0)).toBe(false);
  });
});

describe('§7 pause and resume: refused with a reason, changing nothing', () => {
  it.each<{ rule: string; before: Step[]; refused: Step; code: PauseError['code']; path: (string | number)[] }>([
    { rule: 'pausing a paused id', before: [{ type: 'pause', at: 0 }], refused: { type: 'pause', at: 10 }, code: 'already_paused', path: ['criteriaId'] },
    { rule: 'resuming an id that is not paused', before: [], refused: { type: 'resume', at: 10 }, code: 'not_paused', path: ['criteriaId'] },
    { rule: 'resuming twice', before: [{ type: 'pause', at: 0 }, { type: 'resume', at: 5 }], refused: { type: 'resume', at: 10 }, code: 'not_paused', path: ['criteriaId'] },
    { rule: 'an unknown criteria id', before: [], refused: { type: 'pause', at: 10, criteriaId: 'nope' }, code: 'unknown_criteria', path: ['criteriaId'] },
    { rule: 'an action before one already taken on that id', before: [{ type: 'pause', at: 20 }], refused: { type: 'resume', at: 10 }, code: 'out_of_order', path: ['at'] },
    { rule: 'a blank note', before: [], refused: { type: 'pause', at: 10, note: '  ' }, code: 'invalid_action', path: ['note'] },
    { rule: 'a blank note on a resume', before: [{ type: 'pause', at: 0 }], refused: { type: 'resume', at: 10, note: '' }, code: 'invalid_action', path: ['note'] },
    { rule: 'no user id', before: [], refused: { type: 'pause', at: 10, by: { userId: 0, email: 'a@example.com' } }, code: 'invalid_action', path: ['by', 'userId'] },
    { rule: 'a user id that is not a whole number', before: [], refused: { type: 'pause', at: 10, by: { userId: 1.5, email: 'a@example.com' } }, code: 'invalid_action', path: ['by', 'userId'] },
    { rule: 'no user email', before: [], refused: { type: 'pause', at: 10, by: { userId: 7, email: ' ' } }, code: 'invalid_action', path: ['by', 'email'] },
  ])('$rule → $code', ({ before, refused, code, path }) => {
    const { t } = timeline(...before);
    const was = answers(t);
    const wasNow = t.pausedNow('resolve');
    const error = t.apply(action(refused), known);
    expect(error).toMatchObject({ code, path });
    expect(error?.message).toMatch(/\S/);
    expect(answers(t)).toEqual(was);
    expect(t.pausedNow('resolve')).toBe(wasNow);
  });

  it('a refused action does not move the id’s clock: a later valid action still applies', () => {
    const { t } = timeline({ type: 'pause', at: 0 });
    expect(t.apply(action({ type: 'pause', at: 50 }), known)?.code).toBe('already_paused');
    expect(t.apply(action({ type: 'resume', at: 20 }), known)).toBeNull();
    expect(t.isPaused('resolve', 20)).toBe(true);
    expect(t.isPaused('resolve', 21)).toBe(false);
  });

  it('the user is checked before the id: a bad user on an unknown id is refused for the user', () => {
    const t = new PauseTimeline();
    expect(t.apply(action({ type: 'pause', at: 0, criteriaId: 'nope', by: { userId: -1, email: 'a@example.com' } }), known)?.code).toBe('invalid_action');
  });
});
