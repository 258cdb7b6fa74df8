// The write-back's storage port: the outbox of changed records, hashes of what was last written, the compare-and-remove, and the dead letters.
import type { RecordState } from '../core/engine/record-state.ts';
import type { WriteKind } from './hubspot-calls.ts';
import type { RecordRef } from './ports.ts';

/** A record waiting in the outbox, with the score (time of its latest change) as read. */
export interface OutboxEntry {
  readonly record: RecordRef;
  /** Exactly as Redis gave it: the entry is removed only if its score is still this. */
  readonly score: string;
}

/** A write HubSpot refused for good: kept, logged and counted so a person can see and fix it. */
export interface DeadLetter {
  readonly kind: WriteKind;
  readonly record: RecordRef;
  /** The outcome a verification-log write or association was for; null for a record's billing properties. */
  readonly outcomeId: string | null;
  /** Our reading of it: `rejected 400 VALIDATION_ERROR`, `refused in a 207: OBJECT_NOT_FOUND`. */
  readonly reason: string;
  readonly status: number | null;
  readonly category: string | null;
  /** HubSpot's message, with its detail messages. */
  readonly message: string;
  /** When it was given up, ISO 8601. */
  readonly at: string;
}

/** What changed in a portal's over-limit marks since they were saved: only these are written. */
export interface OverLimitChanges {
  readonly set: ReadonlyMap<string, string>;
  readonly drop: readonly string[];
}

export interface WritebackStore {
  /** The entries due by `now` (a pending change waits a while, a settlement is due at once), oldest first. */
  oldest(limit: number, now: number): Promise<OutboxEntry[]>;
  /** Each record's state and its compare-and-set version (0 and null when it has none). */
  states(records: readonly RecordRef[]): Promise<{ readonly state: RecordState | null; readonly version: number }[]>;
  /** Content hashes of the verification logs last written, by `writtenOutcomeField`. */
  writtenOutcomes(fields: readonly string[]): Promise<(string | null)[]>;
  /** Content hashes of the billing properties last written per record. */
  writtenRecords(records: readonly RecordRef[]): Promise<(string | null)[]>;
  /**
   * In one step: saves the hashes of what was written, then removes each entry whose score and record
   * version are still the ones read (a change during the write keeps it for the next drain). Returns the
   * number removed.
   */
  finish(done: {
    readonly outcomes: readonly (readonly [string, string])[];
    readonly records: readonly (readonly [RecordRef, string])[];
    readonly remove: readonly { readonly entry: OutboxEntry; readonly version: number }[];
  }): Promise<number>;
  deadLetter(letters: readonly DeadLetter[]): Promise<void>;
  /**
   * The portal's over-limit marks as the last drain saved them (contract §8): record key -> that
   * record's over-limit outcome ids, sorted and comma-joined; a record with none is absent.
   */
  overLimitMarks(portalId: number): Promise<Map<string, string>>;
  /**
   * In one step: sets the marks of `changes.set`, drops those of `changes.drop` (record keys), and puts
   * each record of `requeue` back in the outbox at `now`, over an earlier score too, so a drain already
   * holding its entry finds the score changed and keeps it for the next run.
   */
  saveOverLimitMarks(portalId: number, changes: OverLimitChanges, requeue: readonly string[], now: number): Promise<void>;
}
