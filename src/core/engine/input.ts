// What the core is given, each at its own event time `at`: signals, operator actions, the clock.
import type { Signal } from '../types.ts';

/**
 * An operator action (contract §7): what a person did at `at`. `by` names the user; refusals are
 * decided by the core, at the action's instant, so that replay refuses exactly what the live run did.
 */
export type Action =
  | { readonly type: 'open_dispute'; readonly at: number; readonly outcomeId: string; readonly by: string; readonly reason: string }
  | {
      readonly type: 'resolve_dispute';
      readonly at: number;
      readonly outcomeId: string;
      readonly by: string;
      readonly resolution: 'upheld' | 'rejected';
      readonly note: string;
    };

/** The clock reached `at`: every timer due at or before it fires. */
export interface Tick {
  readonly type: 'tick';
  readonly at: number;
}

/**
 * What happens to a record: a signal or an action. A signal is its own input, unwrapped, so the hot
 * path allocates nothing per signal; it is told apart by `kind`, actions and the tick by `type`.
 */
export type RecordInput = Signal | Action;

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
export function inTimeOrder(signals: readonly Signal[], actions: readonly Action[]): RecordInput[] {
  return sortInTimeOrder<RecordInput>([...signals, ...actions]);
}
