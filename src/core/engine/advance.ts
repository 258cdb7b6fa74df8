// The one sequence the simulator and the live service both run: signals in order, then the clock up to a time.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { Signal } from '../types.ts';
import { decide } from './decide.ts';
import type { Effect } from './decide.ts';
import type { RecordState } from './record-state.ts';

export interface Advanced {
  readonly effects: readonly Effect[];
  /** The record's next timer after the run: only the last decision knows it (earlier wake-ups may be settled away). */
  readonly nextTimerAt: number | null;
}

/** Applies `signals` (already in event-time order) to `state`, which it updates in place, then fires every timer up to `until`. */
export function advance(state: RecordState, signals: Iterable<Signal>, until: number, criteria: CriteriaSet): Advanced {
  const effects: Effect[] = [];
  for (const signal of signals) effects.push(...decided(decide(state, { type: 'signal', signal }, signal.at, criteria)));
  const tick = decided(decide(state, { type: 'tick' }, until, criteria));
  effects.push(...tick);
  const timer = tick.find((e) => e.type === 'wake_at');
  return { effects, nextTimerAt: timer?.type === 'wake_at' ? timer.at : null };
}

function decided(d: ReturnType<typeof decide>): readonly Effect[] {
  // Signals and ticks have no failure case; only dispute inputs do.
  if (!d.ok) throw new Error(d.error.message);
  return d.effects;
}
