// Late inputs in exact order (contract §7): a record re-derived from its checkpoint with its kept inputs in event time, and each changed outcome marked `corrected`.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { CriteriaVersion } from '../criteria/types.ts';
import { advance } from './advance.ts';
import type { Advanced } from './advance.ts';
import { isSignal } from './input.ts';
import type { RecordInput } from './input.ts';
import type { LateCause, Outcome, TrailEntry } from './outcome.ts';
import { NO_PAUSES } from './pauses.ts';
import type { PauseLookup } from './pauses.ts';
import type { RecordState } from './record-state.ts';

/** HubSpot retries a refused delivery for up to 24 hours (hubspot-platform.md). */
export const HUBSPOT_RETRY_SPAN_MS = 24 * 3_600_000;

/**
 * How long after its event time an input can still change a verdict: HubSpot's retry span, plus the
 * longest an attempt of any version can stay unsettled (its deadline, its retry window, its review).
 * Past it, a record's inputs fold into its checkpoint.
 */
export function defaultLateHorizonMs(versions: readonly CriteriaVersion[]): number {
  let longest = 0;
  for (const v of versions) longest = Math.max(longest, v.withinMs + v.retryWindowMs + v.reviewWindowMs);
  return HUBSPOT_RETRY_SPAN_MS + longest;
}

/** Whether an input is behind the record's clock: applied as it comes, it would not be in event-time order. */
export const isBehind = (state: RecordState, input: RecordInput): boolean => input.at < state.clock;

/** What a `corrected` entry names as its cause: the input that arrived late. */
export function lateCauseOf(input: RecordInput): LateCause {
  if (isSignal(input)) return { input: 'signal', kind: input.kind, at: input.at, ...(input.ref ? { ref: input.ref } : {}) };
  return { input: 'action', kind: input.type, at: input.at, ref: input.outcomeId };
}

/**
 * Applies inputs (in inTimeOrder()'s order) to a copy of `from` and fires every timer up to `until`:
 * the record as if every input had arrived on time. `from` is not changed.
 */
export function replayFrom(from: RecordState, inputs: readonly RecordInput[], until: number, criteria: CriteriaSet, pauses: PauseLookup = NO_PAUSES): { state: RecordState; advanced: Advanced } {
  const state = structuredClone(from);
  // Withdrawn outcomes belong to the committed state's audit trail, not to the history replayed.
  delete state.withdrawn;
  return { state, advanced: advance(state, inputs, until, criteria, pauses) };
}

/** An outcome the replay changed: its fields (or verdict) differ from what was committed before. */
export interface Corrections {
  /** Outcomes in both, with different fields: each got a `corrected` entry. */
  readonly changed: readonly Outcome[];
  /** Outcomes only the replay has (a late press opened them). */
  readonly appeared: readonly Outcome[];
  /** Outcomes only the old state had: no longer in the ledger, kept in `withdrawn` with their last fields. */
  readonly withdrawn: readonly Outcome[];
}

/** The fields whose change makes a correction; the trail is evidence, not a verdict. */
function changedFields(before: Outcome, after: Outcome): string[] {
  const fields: string[] = [];
  for (const key of Object.keys(after) as (keyof Outcome)[]) {
    if (key === 'trail') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) fields.push(key);
  }
  return fields;
}

/** Puts earlier corrections back into a replayed trail, at their times (the replay knows nothing of them). */
function withEarlierCorrections(trail: TrailEntry[], before: readonly TrailEntry[]): TrailEntry[] {
  const earlier = before.filter((e) => e.type === 'corrected');
  const out: TrailEntry[] = [];
  let i = 0;
  for (const e of trail) {
    while (i < earlier.length && earlier[i]!.at < e.at) out.push(earlier[i++]!);
    out.push(e);
  }
  while (i < earlier.length) out.push(earlier[i++]!);
  return out;
}

/**
 * Compares the state as committed (`before`) with its replay (`after`, changed in place): each outcome
 * whose fields differ, and each that appeared, gets a `corrected` entry at `at` naming `cause`; earlier
 * corrections stay in the trails. Outcomes that vanished leave the ledger (simulate would not have them)
 * and are kept in `after.withdrawn`, marked, for the audit trail.
 */
export function markCorrections(before: RecordState, after: RecordState, cause: LateCause, at: number): Corrections {
  const old = new Map(before.outcomes.map((o) => [o.outcomeId, o]));
  const changed: Outcome[] = [];
  const appeared: Outcome[] = [];
  for (const o of after.outcomes) {
    const was = old.get(o.outcomeId);
    old.delete(o.outcomeId);
    const note = (fields: string[], from: Outcome | undefined): void => {
      o.trail.push({ at, version: o.criteriaVersion, type: 'corrected', change: from ? 'changed' : 'appeared', fields, ...(from ? { from: from.status } : {}), to: o.status, lateInput: cause });
    };
    if (was === undefined) {
      note([], undefined);
      appeared.push(o);
      continue;
    }
    o.trail = withEarlierCorrections(o.trail, was.trail);
    const fields = changedFields(was, o);
    if (fields.length === 0) continue;
    note(fields, was);
    changed.push(o);
  }
  const withdrawn: Outcome[] = [];
  for (const o of old.values()) {
    o.trail.push({ at, version: o.criteriaVersion, type: 'corrected', change: 'withdrawn', fields: [], from: o.status, lateInput: cause });
    withdrawn.push(o);
  }
  const kept = (before.withdrawn ?? []).filter((o) => !after.outcomes.some((x) => x.outcomeId === o.outcomeId));
  if (kept.length + withdrawn.length > 0) after.withdrawn = [...kept, ...withdrawn];
  return { changed, appeared, withdrawn };
}
