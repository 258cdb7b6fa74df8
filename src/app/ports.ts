// The application layer's view of the outside world: what the use cases need from storage, queues and the clock.
import type { RecordState } from '../core/engine/record-state.ts';
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

/** A pending signal as stored: its ingest sequence orders ties in event time. */
export interface PendingSignal {
  readonly member: string;
  readonly seq: number;
  readonly signal: Signal;
}

export interface LoadedRecord {
  /** Compare-and-set version: 0 when the record has no state yet. */
  readonly version: number;
  readonly state: RecordState | null;
  /** Pending signals with event time ≤ the watermark asked for, in (at, seq) order. */
  readonly pending: readonly PendingSignal[];
}

/** One processing run's result, to save over the state it loaded. */
export interface CommitRequest {
  readonly record: RecordRef;
  /** The version the state was loaded at: the commit is a compare-and-set on it. */
  readonly version: number;
  readonly state: RecordState;
  /** The pending signals the run applied, to remove. */
  readonly applied: readonly PendingSignal[];
  /** The earliest timer still to fire (event time), or null. */
  readonly nextTimerAt: number | null;
  /** When an outcome changed: the time its write to the CRM is due; else null. */
  readonly writeDueAt: number | null;
  /** The statuses of the loaded state's outcomes, for the outcome counts by status. */
  readonly statusesBefore: readonly Status[];
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

/** Redis unreachable or refusing writes: the caller answers 503 so HubSpot retries. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

export interface SignalStore {
  /** Stores the signals durably, skipping identities already stored; resolves only once they are stored. */
  ingest(portalId: number, items: readonly IngestItem[]): Promise<IngestResult>;
  load(record: RecordRef, watermark: number): Promise<LoadedRecord>;
  /**
   * Atomically: saves the state if its version is still `version`, removes the applied pending signals,
   * indexes the next wake, and when an outcome changed puts the record in the write-back outbox, due
   * at `writeDueAt` (an earlier due time already there wins).
   */
  commit(request: CommitRequest): Promise<CommitResult>;
  /** Every record with state (for the ledger), in no particular order. */
  listRecords(portalId?: number): AsyncIterable<RecordRef>;
  portals(): Promise<number[]>;
  /** Records whose pending signals or timers are due by `dueBy` (event time), with that time: the sweeper's safety net. */
  dueRecords(dueBy: number, limit: number): Promise<{ record: RecordRef; at: number }[]>;
  /**
   * Counts a rescue of the record (a successful commit resets the count). Past `maxRescues` the record
   * is parked instead: taken out of the due index into the parked set, for a person to look at, so a
   * record that fails every time cannot keep the sweeper busy for ever. Returns whether it was parked.
   */
  noteRescue(record: RecordRef, at: number, maxRescues: number): Promise<boolean>;
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
