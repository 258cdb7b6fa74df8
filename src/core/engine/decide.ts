// The decision core's one entry point: decide(state, input, now) → the next state and its effects.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { Signal } from '../types.ts';
import { openDispute, resolveDispute } from './disputes.ts';
import type { DisputeError } from './disputes.ts';
import { isSettled } from './outcome.ts';
import type { Outcome } from './outcome.ts';
import { applyPress, idempotencyKeyOf, latestWithKey, pressesOf } from './press.ts';
import { recheckAll } from './recheck.ts';
import type { RecordState } from './record-state.ts';
import { applyChange } from './record-state.ts';
import { fireTimers, nextTimer } from './timers.ts';

export type Input =
  /** A change to the record at `signal.at` (event time). */
  | { readonly type: 'signal'; readonly signal: Signal }
  /** The clock reached `now`: fire every timer due at or before it. */
  | { readonly type: 'tick' }
  | { readonly type: 'open_dispute'; readonly outcomeId: string; readonly by: string; readonly reason: string }
  | {
      readonly type: 'resolve_dispute';
      readonly outcomeId: string;
      readonly by: string;
      readonly resolution: 'upheld' | 'rejected';
      readonly note: string;
    };

export type Effect =
  /** The outcome changed: write it back (idempotently: it carries its whole state). */
  | { readonly type: 'outcome_changed'; readonly outcome: Outcome }
  /** The record needs a tick at this time (its earliest pending timer). */
  | { readonly type: 'wake_at'; readonly at: number }
  /** A signal older than what the record has already applied: recorded, never replayed into settled history. */
  | { readonly type: 'late_signal'; readonly signal: Signal };

export type DecideError = DisputeError | { code: 'unknown_outcome'; path: string; message: string };

export type Decision =
  | { readonly ok: true; readonly state: RecordState; readonly effects: Effect[] }
  | { readonly ok: false; readonly error: DecideError };

/**
 * Applies one input. Takes ownership of `state` (it is updated in place and returned), reads no
 * clock: `now` is the caller's, and signals carry their own event time.
 */
export function decide(state: RecordState, input: Input, now: number, criteria: CriteriaSet): Decision {
  const before = state.outcomes.map((o) => o.trail.length);
  const effects: Effect[] = [];
  switch (input.type) {
    case 'signal': {
      const { signal } = input;
      if (signal.at < state.clock) {
        applyLate(state, signal, criteria);
        effects.push({ type: 'late_signal', signal });
        break;
      }
      // Timers due strictly before the signal come first; at its own instant, signals come first.
      fireTimers(state, criteria, signal.at, false);
      applySignal(state, signal, criteria);
      state.clock = signal.at;
      break;
    }
    case 'tick':
      fireTimers(state, criteria, now, true);
      // Every timer at `now` has fired, so a signal at `now` arriving after this is out of order.
      state.clock = Math.max(state.clock, now + 1);
      break;
    case 'open_dispute':
    case 'resolve_dispute': {
      const o = state.outcomes.find((x) => x.outcomeId === input.outcomeId);
      if (!o) return { ok: false, error: { code: 'unknown_outcome', path: 'outcomeId', message: `no outcome ${input.outcomeId} on this record` } };
      const error =
        input.type === 'open_dispute'
          ? openDispute(o, now, input.by, input.reason)
          : resolveDispute(o, criteria.get(o.criteriaId, o.criteriaVersion), now, input.by, input.resolution, input.note);
      if (error) return { ok: false, error };
      break;
    }
  }
  state.outcomes.forEach((o, i) => {
    if (o.trail.length !== (before[i] ?? 0)) effects.push({ type: 'outcome_changed', outcome: o });
  });
  const next = nextTimer(state, criteria);
  if (next !== null) effects.push({ type: 'wake_at', at: next.at });
  return { ok: true, state, effects };
}

/** Applies a signal in order: the change, then any press it is, then the re-check of every unsettled attempt. */
export function applySignal(state: RecordState, signal: Signal, criteria: CriteriaSet): void {
  applyChange(state, signal);
  for (const version of pressesOf(state, signal, criteria)) applyPress(state, version, signal, criteria);
  recheckAll(state, signal, criteria);
}

/**
 * A signal behind the record's clock (the live service got it later than its hold). Nothing settled
 * changes: a press that belongs to an attempt settled since is noted on it and counts for nothing.
 * Otherwise the signal is not lost: its value updates the record where it is newer by event time, a
 * press it carries counts at the earliest instant still open (the clock), and the unsettled attempts
 * re-check at that instant. Every attempt it touches notes it as `late`, with its real time.
 */
function applyLate(state: RecordState, signal: Signal, criteria: CriteriaSet): void {
  const at = state.clock;
  const note = (o: Outcome) => o.trail.push({ at, version: o.criteriaVersion, type: 'late', signalAt: signal.at, ...(signal.ref ? { ref: signal.ref } : {}) });
  applyChange(state, signal);
  const shifted: Signal = { ...signal, at };
  for (const version of pressesOf(state, signal, criteria)) {
    const latest = latestWithKey(state, idempotencyKeyOf(version, state, signal.at));
    if (latest !== null && isSettled(latest) && latest.settledAt !== null && signal.at <= latest.settledAt) {
      note(latest);
      continue;
    }
    applyPress(state, version, shifted, criteria);
  }
  for (const o of state.outcomes) if (!isSettled(o)) note(o);
  recheckAll(state, shifted, criteria);
}
