// The one sequence the simulator and the live service both run: inputs in time order, then the clock up to a time.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import { decide } from './decide.ts';
import type { DecideError, Effect } from './decide.ts';
import { isSignal } from './input.ts';
import type { DisputeAction, RecordInput } from './input.ts';
import { NO_PAUSES } from './pauses.ts';
import type { PauseLookup } from './pauses.ts';
import type { RecordState } from './record-state.ts';

/** An action that did not apply (contract §7): reported with its reason, never fatal to the run. */
export interface Refusal {
  readonly action: DisputeAction;
  readonly error: DecideError;
}

export interface Advanced {
  readonly effects: readonly Effect[];
  /** The record's next timer after the run: only the last decision knows it (earlier wake-ups may be settled away). */
  readonly nextTimerAt: number | null;
  readonly refused: readonly Refusal[];
}

/**
 * Applies `inputs` (in the order of inTimeOrder(): by event time, signals before actions at one
 * instant) to `state`, which it updates in place, each at its own time, then fires every timer up to `until`.
 */
export function advance(state: RecordState, inputs: Iterable<RecordInput>, until: number, criteria: CriteriaSet, pauses: PauseLookup = NO_PAUSES): Advanced {
  const effects: Effect[] = [];
  const refused: Refusal[] = [];
  for (const input of inputs) {
    const d = decide(state, input, criteria, pauses);
    for (const e of d.effects) effects.push(e);
    if (!d.ok && !isSignal(input)) refused.push({ action: input, error: d.error });
  }
  const tick = decide(state, { type: 'tick', at: until }, criteria, pauses).effects;
  for (const e of tick) effects.push(e);
  const timer = tick.find((e) => e.type === 'wake_at');
  return { effects, nextTimerAt: timer?.type === 'wake_at' ? timer.at : null, refused };
}
