// The decision core's one entry point: decide(state, input) → the next state and its effects.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { Signal } from '../types.ts';
import type { ProblemPath } from '../problems.ts';
import { openDispute, resolveDispute } from './disputes.ts';
import type { DisputeError } from './disputes.ts';
import { isSignal } from './input.ts';
import type { DisputeAction, Input } from './input.ts';
import { isSettled } from './outcome.ts';
import type { Outcome } from './outcome.ts';
import { NO_PAUSES } from './pauses.ts';
import type { PauseError, PauseLookup } from './pauses.ts';
import { applyPress, idempotencyKeyOf, latestWithKey, pressesOf } from './press.ts';
import { recheckAll } from './recheck.ts';
import type { RecordState } from './record-state.ts';
import { applyChange } from './record-state.ts';
import { fireTimers, nextTimer } from './timers.ts';

export type Effect =
  /** The outcome changed: write it back (idempotently: it carries its whole state). */
  | { readonly type: 'outcome_changed'; readonly outcome: Outcome }
  /** The record needs a tick at this time (its earliest pending timer). */
  | { readonly type: 'wake_at'; readonly at: number }
  /** A signal older than what the record has already applied: recorded, never replayed into settled history. */
  | { readonly type: 'late_signal'; readonly signal: Signal };

export type DecideError = DisputeError | PauseError | { readonly code: 'unknown_outcome'; readonly path: ProblemPath; readonly message: string };

export type Decision =
  | { readonly ok: true; readonly state: RecordState; readonly effects: Effect[] }
  /**
   * The action was refused: it changed no outcome itself. Time still reached its instant, though: the
   * timers due before it fired, the record's clock moved to the action's time, and `effects` reports
   * what the timers changed.
   */
  | { readonly ok: false; readonly error: DecideError; readonly state: RecordState; readonly effects: Effect[] };

/**
 * Applies one input at its event time `at`. Takes ownership of `state` (it is updated in place and
 * returned) and reads no clock. Only an action can be refused; signals and ticks always apply.
 * `pauses` is the portal's pause timeline (contract §7): it is built from pause and resume actions,
 * which belong to no record.
 */
export function decide(state: RecordState, input: Input, criteria: CriteriaSet, pauses: PauseLookup = NO_PAUSES): Decision {
  const before = state.outcomes.map((o) => o.trail.length);
  const effects: Effect[] = [];
  let error: DecideError | null = null;
  if (isSignal(input)) {
    if (!decideSignal(state, input, criteria, pauses)) effects.push({ type: 'late_signal', signal: input });
  } else if (input.type === 'tick') {
    fireTimers(state, criteria, input.at, true);
    // Every timer at `at` has fired, so a signal at `at` arriving after this is out of order.
    state.clock = Math.max(state.clock, input.at + 1);
  } else {
    error = decideAction(state, input, criteria);
  }
  state.outcomes.forEach((o, i) => {
    if (o.trail.length !== (before[i] ?? 0)) effects.push({ type: 'outcome_changed', outcome: o });
  });
  const next = nextTimer(state, criteria);
  if (next !== null) effects.push({ type: 'wake_at', at: next.at });
  return error === null ? { ok: true, state, effects } : { ok: false, error, state, effects };
}

/** Applies a signal at its event time; false when it is behind the record's clock (late). */
function decideSignal(state: RecordState, signal: Signal, criteria: CriteriaSet, pauses: PauseLookup): boolean {
  if (signal.at < state.clock) {
    applyLate(state, signal, criteria, pauses);
    return false;
  }
  // Timers due strictly before the signal come first; at its own instant, signals come first.
  fireTimers(state, criteria, signal.at, false);
  applySignal(state, signal, criteria, pauses);
  state.clock = signal.at;
  return true;
}

/**
 * Applies an action at its time, after the timers due strictly before it (at one instant: signals,
 * actions, then timers). An action behind the clock still applies at its own time: it records when a
 * person acted, and the timers it could have preceded have already fired.
 */
function decideAction(state: RecordState, action: DisputeAction, criteria: CriteriaSet): DecideError | null {
  fireTimers(state, criteria, action.at, false);
  state.clock = Math.max(state.clock, action.at);
  const o = state.outcomes.find((x) => x.outcomeId === action.outcomeId);
  if (!o) return { code: 'unknown_outcome', path: ['outcomeId'], message: `no outcome ${action.outcomeId} on this record` };
  if (action.type === 'open_dispute') return openDispute(o, action.at, action.by, action.reason);
  return resolveDispute(o, criteria.get(o.criteriaId, o.criteriaVersion), action.at, action.by, action.resolution, action.note);
}

/** Applies a signal in order: the change, then any press it is, then the re-check of every unsettled attempt. */
export function applySignal(state: RecordState, signal: Signal, criteria: CriteriaSet, pauses: PauseLookup = NO_PAUSES): void {
  applyChange(state, signal);
  for (const version of pressesOf(state, signal, criteria, pauses)) applyPress(state, version, signal, criteria);
  recheckAll(state, signal, criteria);
}

/**
 * A signal behind the record's clock. The live service replays a record for a late input
 * (src/core/engine/replay.ts), so it decides one behind the clock only at the record's checkpoint, for an
 * input older than the late horizon (docs/decisions.md, "Late signals"). Nothing settled
 * changes: a press that belongs to an attempt settled since is noted on it and counts for nothing.
 * Otherwise the signal is not lost: its value updates the record where it is newer by event time, a
 * press it carries counts at the earliest instant still open (the clock), and the unsettled attempts
 * re-check at that instant. Every attempt it touches notes it as `late`, with its real time.
 */
function applyLate(state: RecordState, signal: Signal, criteria: CriteriaSet, pauses: PauseLookup): void {
  const at = state.clock;
  const note = (o: Outcome) => o.trail.push({ at, version: o.criteriaVersion, type: 'late', signalAt: signal.at, ...(signal.ref ? { ref: signal.ref } : {}) });
  applyChange(state, signal);
  const shifted: Signal = { ...signal, at };
  // A late press is paused or not by when it was made, as replay, which has it in order, decides.
  for (const version of pressesOf(state, signal, criteria, pauses)) {
    const latest = latestWithKey(state, idempotencyKeyOf(version, state, signal.at));
    if (latest !== null && isSettled(latest) && latest.settledAt !== null && signal.at <= latest.settledAt) {
      note(latest);
      continue;
    }
    // Its key's attempts may be archived: opening one again would reuse their outcome ids.
    if (latest === null && state.archivedTo !== undefined && signal.at < state.archivedTo) continue;
    applyPress(state, version, shifted, criteria);
  }
  for (const o of state.outcomes) if (!isSettled(o)) note(o);
  recheckAll(state, shifted, criteria);
}
