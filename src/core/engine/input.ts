// What the core is given, each at its own event time `at`: signals, operator actions, the clock.
import type { Signal, UserRef } from '../types.ts';

/** An action on one outcome (contract §5): it belongs to that outcome's record and is applied with its signals. */
export type DisputeAction =
  | { readonly type: 'open_dispute'; readonly at: number; readonly by: UserRef; readonly outcomeId: string; readonly reason: string }
  | {
      readonly type: 'resolve_dispute';
      readonly at: number;
      readonly by: UserRef;
      readonly outcomeId: string;
      readonly resolution: 'upheld' | 'rejected';
      readonly note: string;
    };

/** An action on a criteria id, for the whole portal (contract §7): kept in a PauseTimeline that every record reads. */
export interface PauseAction {
  readonly type: 'pause' | 'resume';
  readonly at: number;
  readonly by: UserRef;
  readonly criteriaId: string;
  readonly note: string;
}

/**
 * An operator action (contract §7): what a person did at `at`. `by` names the user; refusals are
 * decided by the core, at the action's instant, so that replay refuses exactly what the live run did.
 */
export type Action = DisputeAction | PauseAction;

export const ACTION_TYPES = ['open_dispute', 'resolve_dispute', 'pause', 'resume'] as const;

export function isPauseAction(a: Action): a is PauseAction {
  return a.type === 'pause' || a.type === 'resume';
}

/** The clock reached `at`: every timer due at or before it fires. */
export interface Tick {
  readonly type: 'tick';
  readonly at: number;
}

/**
 * What happens to a record: a signal or an action on one of its outcomes. A signal is its own input,
 * unwrapped, so the hot path allocates nothing per signal; it is told apart by `kind`, actions and the tick by `type`.
 */
export type RecordInput = Signal | DisputeAction;

/** One input to decide(). Its `at` is the only time the core knows: it reads no clock. */
export type Input = RecordInput | Tick;

export function isSignal(input: Input): input is Signal {
  return 'kind' in input;
}

/** At one instant signals come before actions (contract §7); timers come after both, in decide(). */
const rank = (input: RecordInput): number => (isSignal(input) ? 0 : 1);
const byTime = (x: RecordInput, y: RecordInput): number => x.at - y.at || rank(x) - rank(y);

/**
 * Puts inputs in the order advance() applies them: by event time, and at one instant every signal
 * before every action. Ties otherwise keep the order given (signals as they arrived, actions as they
 * were taken): the sort is stable. Sorts in place, for a caller that owns the list; see inTimeOrder().
 */
export function sortInTimeOrder<T extends RecordInput>(inputs: T[]): T[] {
  return inputs.sort(byTime);
}

/** Signals and actions merged into one new list in the order advance() applies them; the lists are not changed. */
export function inTimeOrder(signals: readonly Signal[], actions: readonly DisputeAction[]): RecordInput[] {
  return sortInTimeOrder<RecordInput>([...signals, ...actions]);
}

/**
 * The record an outcome belongs to, read from its id (`criteriaId:objectType:recordId:bucket#n`, cli.md):
 * how a dispute finds its record. Null when the id is not of that shape.
 */
export function recordOfOutcomeId(outcomeId: string): { readonly objectType: string; readonly recordId: string } | null {
  const m = /^[a-z0-9-]+:([a-z]+):([^:#]+):[^:#]+#[1-9][0-9]*$/.exec(outcomeId);
  return m ? { objectType: m[1]!, recordId: m[2]! } : null;
}
