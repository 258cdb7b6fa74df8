// Pauses (contract §7): per criteria id, the spans of time in which its presses count as paused and do nothing else.
import type { ProblemPath } from '../problems.ts';
import type { PauseAction } from './input.ts';
import { invalidUser } from './users.ts';

export type PauseError =
  | { readonly code: 'invalid_action'; readonly path: ProblemPath; readonly message: string }
  | { readonly code: 'unknown_criteria'; readonly path: ProblemPath; readonly message: string }
  | { readonly code: 'already_paused' | 'not_paused' | 'out_of_order'; readonly path: ProblemPath; readonly message: string };

/** One pause: from its action's instant (exclusive: at one instant signals come first) to its resume's (inclusive), or open. */
export interface PauseSpan {
  readonly from: number;
  readonly to: number | null;
}

/**
 * The portal's pauses, built by applying pause and resume actions in the order they were taken. Every
 * record reads the same timeline, so a press is paused in the live service exactly when it is in replay.
 */
export class PauseTimeline {
  private readonly spans = new Map<string, PauseSpan[]>();
  private readonly lastAt = new Map<string, number>();

  /** Applies one action, or refuses it with a reason and changes nothing. `known` says whether a criteria id exists. */
  apply(action: PauseAction, known: (criteriaId: string) => boolean): PauseError | null {
    const invalid = invalidUser(action.by) ?? (action.note.trim() === '' ? { path: ['note'], message: 'must say why' } : null);
    if (invalid) return { code: 'invalid_action', ...invalid };
    const id = action.criteriaId;
    if (!known(id)) return { code: 'unknown_criteria', path: ['criteriaId'], message: `no criteria ${id}` };
    if (action.at < (this.lastAt.get(id) ?? Number.NEGATIVE_INFINITY)) {
      return { code: 'out_of_order', path: ['at'], message: `an action on ${id} was already taken after this one's time` };
    }
    const spans = this.spans.get(id) ?? [];
    const last = spans.at(-1);
    const paused = last !== undefined && last.to === null;
    if (action.type === 'pause') {
      if (paused) return { code: 'already_paused', path: ['criteriaId'], message: `${id} is already paused` };
      spans.push({ from: action.at, to: null });
    } else {
      if (!paused) return { code: 'not_paused', path: ['criteriaId'], message: `${id} is not paused` };
      spans[spans.length - 1] = { from: last.from, to: action.at };
    }
    this.spans.set(id, spans);
    this.lastAt.set(id, action.at);
    return null;
  }

  /** Whether a press of `criteriaId` at `at` is paused: after a pause's instant, up to and including its resume's. */
  isPaused(criteriaId: string, at: number): boolean {
    const spans = this.spans.get(criteriaId);
    if (spans === undefined) return false;
    for (let i = spans.length - 1; i >= 0; i--) {
      const s = spans[i]!;
      if (at > s.from) return s.to === null || at <= s.to;
    }
    return false;
  }

  /** Whether `criteriaId` is paused now, after every action applied so far. */
  pausedNow(criteriaId: string): boolean {
    return this.spans.get(criteriaId)?.at(-1)?.to === null;
  }
}

/** No pauses: what a caller with no actions passes. */
export const NO_PAUSES: Pick<PauseTimeline, 'isPaused'> = { isPaused: () => false };

export type PauseLookup = Pick<PauseTimeline, 'isPaused'>;
