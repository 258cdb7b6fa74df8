// The application layer's view of the outside world: what the use cases need from storage, queues and the clock.
import type { Action, DisputeAction, PauseAction, RecordInput } from '../core/engine/input.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import type { DecideError } from '../core/engine/decide.ts';
import type { RaisedCharge } from '../core/alerts/charge-counts.ts';
import type { ObjectType, Signal, Status } from '../core/types.ts';

/** A record of one portal: the unit of ordering and of atomic state changes. */
export interface RecordRef {
  readonly portalId: number;
  readonly objectType: ObjectType;
  readonly recordId: string;
}

export const recordRefKey = (r: RecordRef): string => `${r.portalId}:${r.objectType}:${r.recordId}`;

/** One signal to store, with the identity that makes a repeated delivery count once. */
export interface IngestItem {
  readonly identity: string;
  readonly signal: Signal;
}

export interface IngestResult {
  /** Signals newly stored. */
  readonly stored: number;
  /** Signals already stored by an earlier delivery. */
  readonly duplicates: number;
  /** Records whose next due time moved earlier (or that had none): each needs a job at that time. */
  readonly wake: readonly { readonly record: RecordRef; readonly at: number }[];
}

/** A pending input as stored on its record: its sequence (shared by signals and actions) orders ties in event time. */
export interface PendingEntry {
  readonly member: string;
  readonly seq: number;
}

export interface PendingSignal extends PendingEntry {
  readonly signal: Signal;
}

/** A dispute action stored on its record beside its signals, waiting for the worker to apply it in `at` order. */
export interface PendingAction extends PendingEntry {
  readonly action: DisputeAction;
}

export interface LoadedRecord {
  /** Compare-and-set version: 0 when the record has no state yet. */
  readonly version: number;
  readonly state: RecordState | null;
  /** Pending signals with event time ≤ the watermark asked for, in (at, seq) order. */
  readonly pending: readonly PendingSignal[];
  /** Pending dispute actions with `at` ≤ the watermark, in (at, seq) order (inTimeOrder() merges them with the signals). */
  readonly actions: readonly PendingAction[];
  /** The record's portal's pause and resume actions, in the order they were stored: every record reads the same timeline. */
  readonly pauses: readonly PauseAction[];
  /** What the record keeps for late inputs (read whole with history() only when needed). */
  readonly kept: KeptSummary;
}

/** Enough of a record's kept history to know, without reading it, whether a run needs it. */
export interface KeptSummary {
  /** Whether the record has a checkpoint (records committed before late replay existed have none). */
  readonly checkpointed: boolean;
  /** Event time of the oldest kept input, or null when none is kept. */
  readonly oldestAt: number | null;
}

/** An input the record keeps after applying it, so that a late one can be put in its place (contract §7). */
export interface KeptInput {
  /** Its member in the kept set: inputs of one event time sort by it (CRM reads first, then by sequence). */
  readonly member: string;
  readonly input: RecordInput;
}

/** A record's history for replay: its checkpoint (its state as of a time before which nothing kept can land) and every input kept since, in (at, member) order. */
export interface RecordHistory {
  /** The version the history was read at: a commit over another version fails its compare-and-set anyway. */
  readonly version: number;
  readonly checkpoint: RecordState | null;
  readonly kept: readonly KeptInput[];
}

/** What a commit changes in the record's kept history and archive (core/engine/archive.ts), atomically with its state. */
export interface HistoryChange {
  /** Applied pending inputs to keep, by their pending member, with their event time; and the CRM reads the run applied. */
  readonly keep: readonly { readonly member: string; readonly at: number }[];
  readonly keepReads: readonly Signal[];
  /** Kept members folded into the checkpoint: dropped from the kept set. */
  readonly drop: readonly string[];
  /** The new checkpoint, or null to leave the stored one. */
  readonly checkpoint: RecordState | null;
  readonly archive?: readonly Outcome[];
}

/** One processing run's result, to save over the state it loaded. */
export interface CommitRequest {
  readonly record: RecordRef;
  /** The version the state was loaded at: the commit is a compare-and-set on it. */
  readonly version: number;
  readonly state: RecordState;
  /** The pending signals and actions the run applied, to remove. */
  readonly applied: readonly PendingEntry[];
  /** The earliest timer still to fire (event time), or null. */
  readonly nextTimerAt: number | null;
  /** When an outcome changed: the time its write to the CRM is due; else null. */
  readonly writeDueAt: number | null;
  /** The statuses of the loaded state's outcomes, for the outcome counts by status. */
  readonly statusesBefore: readonly Status[];
  /** What the run adds to the portal's log (CRM reads it applied, the snapshot it started from, refusals): for export. */
  readonly logged?: readonly PortalLogEntry[];
  /**
   * The portal's charge counters (src/core/alerts/charge-counts.ts), applied with the state so they never
   * drift from it: `delta` what this commit changes, `full` the new state's counts, added instead for a
   * record whose outcomes were never counted (last written before the counters existed).
   */
  readonly counters?: { readonly delta: Readonly<Record<string, number>>; readonly full: Readonly<Record<string, number>> };
  /** Periods of ids with a budget whose charge went up: marked for an alert check in the same commit, so a worker that dies before its check leaves the mark for the sweeper. */
  readonly chargeChecks?: readonly RaisedCharge[];
  /** The kept history's change; none keeps nothing (as before late replay existed). */
  readonly history?: HistoryChange;
}

export interface CommitResult {
  /** False when another worker changed the record since it was loaded: load again and retry. */
  readonly ok: boolean;
  /** Event time of the earliest signal still pending after the commit, or null. */
  readonly nextPendingAt: number | null;
  /** The record's due time (earliest pending signal or timer) after the commit, and whether it changed. */
  readonly dueAt: number | null;
  readonly dueChanged: boolean;
}

/**
 * The portal's log, everything the ledger is a function of (contract §7), in the order it was stored:
 * what `export` writes out so that `simulate` reproduces the ledger. Trimmed to SIGNAL_RETENTION_MS from
 * its head (docs/decisions.md, "The portal log's retention").
 */
export type PortalLogEntry =
  /** A signal as stored by ingest; or a CRM read a run applied (logged at its commit). */
  | { readonly entry: 'signal'; readonly signal: Signal }
  /** An operator action as accepted and stored. */
  | { readonly entry: 'action'; readonly action: Action }
  /** A record seen for the first time started from its HubSpot snapshot: its state before the first signal. */
  | { readonly entry: 'initial'; readonly objectType: ObjectType; readonly recordId: string; readonly found: boolean; readonly properties: Readonly<Record<string, string>> }
  /** A stored action the worker found it could not apply after all: kept, never dropped silently. */
  | { readonly entry: 'refused'; readonly action: DisputeAction; readonly problem: DecideError };

/** What a write answered, kept per request id so a retried request gets it again. */
export interface ActionAnswer {
  readonly action: Action;
  /** The outcome as the action leaves it (the dry run's), or null for a pause or resume. */
  readonly outcome: Outcome | null;
}

export interface StoredAnswer {
  /** Says whether a request with the same id is the same request (same action, same user). */
  readonly fingerprint: string;
  readonly answer: ActionAnswer;
}

interface ActionWriteBase {
  readonly portalId: number;
  readonly requestId: string;
  readonly fingerprint: string;
  readonly answer: ActionAnswer;
}

/**
 * An accepted action to store atomically, unless what its dry run read has changed (compare-and-set)
 * or its request id was taken meanwhile. A dispute action is stored on its record, over the version
 * and the count of pending inputs up to its `at` that the dry run read, and only while no pending
 * action of the record has a later `at` (the dry run read them all: src/app/submit-action.ts); a pause or resume in the
 * portal's pause log, over the log's length.
 */
export type ActionWrite =
  | (ActionWriteBase & { readonly kind: 'dispute'; readonly action: DisputeAction; readonly record: RecordRef; readonly version: number; readonly pendingCount: number })
  | (ActionWriteBase & { readonly kind: 'pause'; readonly action: PauseAction; readonly pauseCount: number });

export type ActionWriteResult =
  /** Stored; `wake` when the record's due time moved earlier (a dispute): it needs a job at the action's time. */
  | { readonly kind: 'stored'; readonly wake: boolean }
  /** What the dry run read has changed: nothing stored, run it again. */
  | { readonly kind: 'changed' }
  /** The request id already has an answer (a concurrent retry won): nothing stored. */
  | { readonly kind: 'answered'; readonly stored: StoredAnswer };

/** Redis unreachable or refusing writes: the caller answers 503 so HubSpot retries. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

export interface SignalStore {
  /** Stores the signals durably, skipping identities already stored; resolves only once they are stored. */
  ingest(portalId: number, items: readonly IngestItem[]): Promise<IngestResult>;
  load(record: RecordRef, watermark: number): Promise<LoadedRecord>;
  /** The record's archived outcomes (unordered): `load`'s state holds only what can still change. */
  archived(record: RecordRef): Promise<Outcome[]>;
  /** The record's checkpoint and kept inputs: read only when a run replays or folds. */
  history(record: RecordRef): Promise<RecordHistory>;
  /**
   * Atomically: saves the state if its version is still `version`, removes the applied pending signals, indexes
   * the next wake, and when an outcome changed queues the record for write-back at `writeDueAt` (an earlier one wins).
   */
  commit(request: CommitRequest): Promise<CommitResult>;
  /** Every record with state (for the ledger), in no particular order. */
  listRecords(portalId?: number): AsyncIterable<RecordRef>;
  portals(): Promise<number[]>;
  /**
   * Records whose pending signals or timers are due by `dueBy` (event time), with that time: the
   * sweeper's safety net (up to `limit`, shared among portals), or one portal's earliest (period close).
   */
  dueRecords(dueBy: number, limit: number, portalId?: number): Promise<{ record: RecordRef; at: number }[]>;
  /**
   * Counts a rescue of the record (a successful commit resets the count). Past `maxRescues` the record
   * is parked instead: taken out of the due index into the parked set, for a person to look at, so a
   * record that fails every time cannot keep the sweeper busy for ever. Returns whether it was parked.
   */
  noteRescue(record: RecordRef, at: number, maxRescues: number): Promise<boolean>;
  /** The answer given to a request id of the portal (kept for days), or null when none was stored. */
  requestAnswer(portalId: number, requestId: string): Promise<StoredAnswer | null>;
  /**
   * Stores an accepted action with its answer, atomically: a dispute action among its record's pending inputs (the
   * record's due index moved to its `at`), a pause or resume in the portal's pause log; both appended to the portal's log.
   */
  storeAction(write: ActionWrite): Promise<ActionWriteResult>;
  /** The portal's pause and resume actions, in the order they were stored. */
  pauses(portalId: number): Promise<PauseAction[]>;
  /**
   * The portal's log, oldest first, as if trimming had removed only signals and dispute actions: the pause
   * and resume actions and the first snapshots a trim removed come back in their place (paged reads never
   * skip or repeat an entry that is kept, whatever trims run meanwhile).
   */
  portalLog(portalId: number): AsyncIterable<PortalLogEntry>;
  /**
   * One bounded step of the log's retention: removes from its head the entries whose time (`at`) is before
   * `before`, looking at `limit` entries at most; pauses stay in the pause log, first snapshots move aside.
   */
  trimLog(portalId: number, before: number, limit: number): Promise<LogTrimStep>;
}

/** What one step of the log's retention did: `more` when it stopped at its limit, `unreadable` when the head entry has no time. */
export interface LogTrimStep {
  readonly removed: number;
  readonly state: 'done' | 'more' | 'unreadable';
}

/** Asks a worker to process a record no earlier than event time `at` (plus the hold). Idempotent per (record, at). */
export interface RecordScheduler {
  wake(record: RecordRef, at: number): Promise<void>;
  wakeMany(items: readonly { readonly record: RecordRef; readonly at: number }[]): Promise<void>;
}

/** Where a record's own job for a due time stands: all the sweeper needs to know of the queue. */
export type JobStanding =
  /** Waiting or delayed: only behind a backlog, it will run. */
  | 'queued'
  /** Held by a worker, which may have died with it. */
  | 'running'
  /** Failed for good; its id would block the record's usual wake. */
  | 'failed'
  /** No such job (done and removed, or never queued). */
  | 'gone';

/**
 * The sweeper's way past a record whose own job is stuck: held by a worker that died, or failed for
 * good. A rescue job has an id of its own per sweep slot; running it twice is harmless (compare-and-set).
 */
export interface RescueScheduler {
  rescue(items: readonly { readonly record: RecordRef; readonly at: number }[], slot: number): Promise<void>;
  jobStanding(record: RecordRef, at: number): Promise<JobStanding>;
}

/** A record's properties as HubSpot returned them at `readAt` (null values as ''); `found` false when HubSpot has no such record. */
export interface CrmSnapshot {
  readonly readAt: number;
  readonly found: boolean;
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * Reads from HubSpot are batched (100 records a call) by a reader job: a worker asks for a record's
 * snapshot, re-delays its job, and uses the snapshot once one newer than its request is there.
 */
export interface CrmSnapshotStore {
  request(record: RecordRef, now: number): Promise<void>;
  get(record: RecordRef): Promise<CrmSnapshot | null>;
  /** The oldest open requests, for the reader. */
  requested(limit: number): Promise<{ record: RecordRef; requestedAt: number }[]>;
  /** Stores a snapshot and closes the record's request. */
  save(record: RecordRef, snapshot: CrmSnapshot): Promise<void>;
  waiting(): Promise<number>;
}
