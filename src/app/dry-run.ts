// Use case helper: a record's state as its worker will leave it, from a loaded copy with its pending inputs applied up to a time.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { advance } from '../core/engine/advance.ts';
import type { Refusal } from '../core/engine/advance.ts';
import { inTimeOrder } from '../core/engine/input.ts';
import type { DisputeAction } from '../core/engine/input.ts';
import { newRecordState } from '../core/engine/record-state.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import { pauseTimelineOf } from './pause-log.ts';
import type { LoadedRecord, RecordRef } from './ports.ts';

export interface DryRun {
  readonly state: RecordState;
  readonly refused: readonly Refusal[];
}

/**
 * Applies the loaded pending signals and actions with event time ≤ `until`, then `extra` (actions taken
 * at `until`, after every stored input of that instant), then the timers up to `until`, with the
 * portal's pauses: what the worker will decide once the hold has passed. The loaded state is the
 * caller's own copy (the stores hand out fresh ones) and is changed in place; a record with no state
 * yet starts empty, as the worker starts it.
 */
export function dryRun(loaded: LoadedRecord, record: RecordRef, until: number, criteria: CriteriaSet, extra: readonly DisputeAction[] = []): DryRun {
  const state = loaded.state ?? newRecordState(record.objectType, record.recordId);
  const signals = loaded.pending.filter((p) => p.signal.at <= until).map((p) => p.signal);
  const actions = loaded.actions.filter((a) => a.action.at <= until).map((a) => a.action);
  const inputs = [...inTimeOrder(signals, actions), ...extra];
  const { refused } = advance(state, inputs, until, criteria, pauseTimelineOf(loaded.pauses, criteria));
  return { state, refused };
}

/**
 * What a reader shows at `now`: the stored state with the pending inputs up to `now` applied, and the
 * timers only up to the latest of them (the worker fires those with them; later ones are not a reader's
 * to fire). The stored state as it is when nothing is pending; null when the record has nothing at all.
 */
export function withPending(loaded: LoadedRecord, record: RecordRef, now: number, criteria: CriteriaSet): RecordState | null {
  let latest = Number.NEGATIVE_INFINITY;
  for (const at of [...loaded.pending.map((p) => p.signal.at), ...loaded.actions.map((a) => a.action.at)]) if (at <= now && at > latest) latest = at;
  return latest === Number.NEGATIVE_INFINITY ? loaded.state : dryRun(loaded, record, latest, criteria).state;
}
