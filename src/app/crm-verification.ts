// Reads from HubSpot that guard the ledger: a record's properties when first seen, and just before an outcome settles billable.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { advance } from '../core/engine/advance.ts';
import type { Advanced } from '../core/engine/advance.ts';
import { inTimeOrder } from '../core/engine/input.ts';
import type { DisputeAction } from '../core/engine/input.ts';
import { NO_PAUSES } from '../core/engine/pauses.ts';
import type { PauseLookup } from '../core/engine/pauses.ts';
import { newRecordState } from '../core/engine/record-state.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import type { Signal } from '../core/types.ts';
import type { CrmSnapshot, CrmSnapshotStore, PendingSignal, RecordRef } from './ports.ts';

export interface CrmVerificationDeps {
  readonly snapshots: CrmSnapshotStore;
  /**
   * How long a settlement may wait for its read (HubSpot down, rate limited) before it settles on
   * signals alone, logged: a ledger that stops is worse than one settlement verified by signals only.
   */
  readonly maxWaitMs: number;
}

/** An outcome that settled billable on signals alone: its read did not come within `maxWaitMs`. */
export interface UnverifiedSettlement {
  readonly outcomeId: string;
  readonly settledAt: number;
}

export type VerificationPlan =
  /**
   * Go ahead: the state to start from and the CRM reads to apply among the signals. With no reads,
   * `done` is that very run already made (the dry run), to commit as it is.
   */
  | {
      readonly kind: 'ready';
      readonly state: RecordState;
      readonly reads: readonly Signal[];
      /** Outcomes that settle billable in this run without the read they waited for. */
      readonly unverified: readonly UnverifiedSettlement[];
      readonly done: { readonly state: RecordState; readonly advanced: Advanced } | null;
      /** The snapshot a record seen for the first time starts from (its state before the first signal), else null. */
      readonly initial: CrmSnapshot | null;
    }
  /** A read was requested: try again shortly. */
  | { readonly kind: 'wait' };

/** A first-seen read may be this much older than the record's first signal: it describes the record before it. */
const FIRST_SEEN_SLACK_MS = 60_000;

/**
 * Plans the reads for one processing run. A dry run on a copy of the state finds the instants at which
 * outcomes would settle billable; each needs a snapshot read after that instant, applied at it (before
 * that instant's signals and timers, so success is judged on HubSpot's values too). A record seen for
 * the first time starts from its snapshot, so conditions on properties no webhook mentioned still work.
 * The dry run applies the record's pending dispute actions and the portal's pauses as the run will.
 */
export async function planVerification(
  deps: CrmVerificationDeps,
  record: RecordRef,
  stored: RecordState | null,
  pending: readonly PendingSignal[],
  watermark: number,
  now: number,
  criteria: CriteriaSet,
  actions: readonly DisputeAction[] = [],
  pauses: PauseLookup = NO_PAUSES,
): Promise<VerificationPlan> {
  const firstSeen = stored === null && pending.length > 0;
  const signals = pending.map((p) => p.signal);
  const firstSignalAt = signals[0]?.at ?? watermark;
  // The snapshot is read only when it can matter: a record seen for the first time, or a settlement coming.
  let snapshot = firstSeen ? await deps.snapshots.get(record) : null;
  const seenFresh = snapshot !== null && snapshot.readAt >= firstSignalAt - FIRST_SEEN_SLACK_MS;
  // A record seen for the first time is judged from its snapshot, the dry run included.
  const initial = firstSeen && seenFresh ? snapshot : null;
  const base = initial ? startFrom(record, initial) : (stored ?? newRecordState(record.objectType, record.recordId));
  const dry = structuredClone(base);
  const advanced = advance(dry, inTimeOrder(signals, actions), watermark, criteria, pauses);
  const settling = newlyBillable(base, dry);
  const settleAt = [...new Set(settling.map((o) => o.settledAt))].sort((a, b) => a - b);
  if (settleAt.length > 0 && !firstSeen) snapshot = await deps.snapshots.get(record);
  const missingFirst = firstSeen && !seenFresh;
  const missingSettle = settleAt.length > 0 && (snapshot === null || snapshot.readAt < Math.max(...settleAt));
  if (missingFirst || missingSettle) {
    const waitingSince = Math.min(firstSeen ? firstSignalAt : Number.POSITIVE_INFINITY, ...settleAt);
    if (watermark - waitingSince <= deps.maxWaitMs) {
      await deps.snapshots.request(record, now);
      return { kind: 'wait' };
    }
    // Waited long enough: settle on signals, and say so (the outcome view shows `verification: signals`).
    return { kind: 'ready', state: base, reads: [], unverified: settling, done: { state: dry, advanced }, initial };
  }
  if (settleAt.length === 0) return { kind: 'ready', state: base, reads: [], unverified: [], done: { state: dry, advanced }, initial };
  return { kind: 'ready', state: base, reads: settleAt.map((at) => readSignal(record, snapshot!, at)), unverified: [], done: null, initial };
}

/** The outcomes that newly settled billable in the dry run (`after`) of `before`, with their instants. */
function newlyBillable(before: RecordState, after: RecordState): UnverifiedSettlement[] {
  const was = new Map(before.outcomes.map((o) => [o.outcomeId, o.status]));
  const settling: UnverifiedSettlement[] = [];
  for (const o of after.outcomes) {
    if (o.status === 'billable' && was.get(o.outcomeId) !== 'billable' && o.settledAt !== null) settling.push({ outcomeId: o.outcomeId, settledAt: o.settledAt });
  }
  return settling;
}

function startFrom(record: RecordRef, snapshot: CrmSnapshot): RecordState {
  const state = newRecordState(record.objectType, record.recordId, new Map(Object.entries(snapshot.properties)));
  if (!snapshot.found) state.gone = 'deleted';
  return state;
}

/** The snapshot as a `crm_read` signal at instant `at` (a settlement's), for the run to apply there. */
export function readSignal(record: RecordRef, snapshot: CrmSnapshot, at: number): Signal {
  return { kind: 'crm_read', objectType: record.objectType, recordId: record.recordId, at, found: snapshot.found, properties: snapshot.properties, ref: `crm-read:${snapshot.readAt}` };
}

/** Pending signals with the reads placed at their instants, each before the signals of that instant. */
export function withReads(pending: readonly PendingSignal[], reads: readonly Signal[]): Signal[] {
  const out: Signal[] = [];
  let r = 0;
  for (const p of pending) {
    while (r < reads.length && reads[r]!.at <= p.signal.at) out.push(reads[r++]!);
    out.push(p.signal);
  }
  while (r < reads.length) out.push(reads[r++]!);
  return out;
}
