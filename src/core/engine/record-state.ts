// The state of one record: its properties as of the latest signal, whether it still exists, its attempts.
import type { ObjectType, Properties, Signal } from '../types.ts';
import type { Outcome } from './outcome.ts';

export interface RecordState {
  readonly objectType: ObjectType;
  readonly recordId: string;
  /** Latest value of each property; an empty value is unknown (contract §2). */
  props: Map<string, string>;
  /** Event time of each value, so an older signal never overwrites a newer value. */
  propTimes: Map<string, number>;
  /** Deleted or merged away: its properties read as unknown until it is restored. */
  gone: 'deleted' | 'merged' | null;
  /** Event time of the latest deletion, merge or restore, so an older one arriving late cannot undo it. */
  goneAt: number;
  mergedInto: string | null;
  /** Every attempt on the record, in the order they opened. */
  outcomes: Outcome[];
  /** The latest instant whose signals and timers are applied. */
  clock: number;
  /** Presses made while their criteria id was paused (contract §7): counted, nothing else. */
  paused: number;
  /**
   * Outcomes a late input's replay showed never happened (src/core/engine/replay.ts): out of the ledger,
   * kept with their last fields and a `corrected` entry so the audit trail still shows them.
   */
  withdrawn?: Outcome[];
  /**
   * Set once outcomes left for the archive (archive.ts): the `from` they were judged at. A press older
   * than it whose idempotency key has no outcome on the record may belong to an archived one.
   */
  archivedTo?: number;
}

const EMPTY: Properties = new Map();

export function newRecordState(objectType: ObjectType, recordId: string, initial?: Properties): RecordState {
  const props = new Map<string, string>(initial ?? []);
  return { objectType, recordId, props, propTimes: new Map(), gone: null, goneAt: Number.NEGATIVE_INFINITY, mergedInto: null, outcomes: [], clock: Number.NEGATIVE_INFINITY, paused: 0 };
}

/** What conditions see: a record that no longer exists satisfies no test but IS UNKNOWN. */
export function visibleProps(state: RecordState): Properties {
  return state.gone === null ? state.props : EMPTY;
}

/** Applies the change itself (not its consequences); latest event time wins, ties go to the later signal. */
export function applyChange(state: RecordState, signal: Signal): void {
  switch (signal.kind) {
    case 'property':
      setProperty(state, signal.property, signal.value, signal.at);
      return;
    case 'crm_read':
      // HubSpot's values fill in what webhooks missed; a value the record got later than the read stays.
      if (!signal.found) setGone(state, 'deleted', null, signal.at);
      for (const [name, value] of Object.entries(signal.properties)) setProperty(state, name, value, signal.at);
      return;
    case 'deleted':
      setGone(state, 'deleted', null, signal.at);
      return;
    case 'merged_away':
      setGone(state, 'merged', signal.into, signal.at);
      return;
    case 'restored':
      setGone(state, null, null, signal.at);
      return;
    // 'created' and 'merged' (the record survived a merge) change nothing here.
  }
}

function setGone(state: RecordState, gone: RecordState['gone'], into: string | null, at: number): void {
  if (state.goneAt > at) return;
  state.gone = gone;
  state.mergedInto = into;
  state.goneAt = at;
}

function setProperty(state: RecordState, name: string, value: string, at: number): void {
  const seen = state.propTimes.get(name);
  if (seen !== undefined && seen > at) return;
  state.props.set(name, value);
  state.propTimes.set(name, at);
}
