// The signal store in memory, with the Redis store's semantics: for use-case and HTTP tests that need no Redis.
import { StoreUnavailableError, recordRefKey } from '../../app/ports.ts';
import type {
  CommitRequest,
  CommitResult,
  HistoryChange,
  IngestItem,
  IngestResult,
  LoadedRecord,
  PendingAction,
  PendingSignal,
  RecordHistory,
  RecordRef,
  SignalStore,
} from '../../app/ports.ts';
import type { DisputeAction, RecordInput } from '../../core/engine/input.ts';
import type { Outcome } from '../../core/engine/outcome.ts';
import type { RecordState } from '../../core/engine/record-state.ts';
import type { Signal } from '../../core/types.ts';
import { appendLog, createActionData, pausesOf, requestAnswer, storeAction } from './action-store.ts';
import { portalLog, trimLog } from './portal-log.ts';
import type { ActionData } from './action-store.ts';
import { SortedSet } from './sorted-set.ts';

/** A kept CRM read's member starts with sequence 0, so it sorts before the signals of its instant (as in Redis). */
const KEPT_READ_PREFIX = `${'0'.repeat(16)}|`;

/** As in Redis: HubSpot retries for 24 hours, a delivery is recognised for three days. */
const SEEN_TTL_MS = 3 * 24 * 3_600_000;

export interface MemorySignalStore extends SignalStore {
  /** Outcomes by status over every record, as the metrics read them (a status that dropped to none stays, at 0). */
  outcomeCounts(): Promise<Record<string, number>>;
  /** The write-back outbox: each record with outcome changes to write, and when the write is due. */
  outbox(): Promise<{ record: RecordRef; dueAt: number }[]>;
  /** Records taken out of the due index after too many rescues, with their due time then. */
  parked(): Promise<{ record: RecordRef; at: number }[]>;
  /** While on, every call fails with StoreUnavailableError, as the receiver's calls do while Redis is down. */
  simulateOutage(on: boolean): void;
  /** What the in-memory write-back store works on, as the Redis one works on the keys the commit script fills. */
  readonly outboxShare: MemoryOutboxShare;
}

/** The outbox the commit fills and each record as stored: shared with the write-back store, never copied. */
export interface MemoryOutboxShare {
  /** Record key -> when its unwritten changes are due to be written. */
  readonly outbox: SortedSet;
  /** The record as stored (the caller copies what it hands out), or undefined when the store never saw it. */
  record(key: string): { readonly ref: RecordRef; readonly version: number; readonly state: RecordState | null; readonly archive: ReadonlyMap<string, Outcome> } | undefined;
}

export interface MemoryStoreOptions {
  /** The clock the seen markers expire by (Redis expires them by its own); Date.now by default. */
  readonly clock?: () => number;
}

export interface StoredRecord {
  readonly ref: RecordRef;
  version: number;
  state: RecordState | null;
  /** Pending signals and dispute actions by member: the zero-padded sequence, so equal event times sort in the order stored. */
  readonly pending: SortedSet;
  readonly inputs: Map<string, Signal | DisputeAction>;
  /** The record as of a time before which nothing kept can land (null until its first commit keeps history). */
  checkpoint: RecordState | null;
  /** Applied inputs kept for late replay, by member (score: event time), as the Redis `kept:` set. */
  readonly kept: SortedSet;
  readonly keptInputs: Map<string, RecordInput>;
  /** Settled outcomes past every horizon, by outcome id, as the Redis `arch:` hash. */
  readonly archive: Map<string, Outcome>;
}

/** Everything the store holds, named after the Redis keys it stands for. */
export interface Data extends ActionData {
  readonly clock: () => number;
  readonly records: Map<string, StoredRecord>;
  /** Seen markers ("portal|identity") and when they expire. */
  readonly seen: Map<string, number>;
  readonly due: SortedSet;
  readonly outbox: SortedSet;
  readonly parked: SortedSet;
  readonly rescues: Map<string, number>;
  readonly statusCounts: Map<string, number>;
  readonly portals: Set<number>;
  seq: number;
  down: boolean;
}

export function createMemorySignalStore(options: MemoryStoreOptions = {}): MemorySignalStore {
  const d: Data = {
    clock: options.clock ?? Date.now,
    records: new Map(),
    seen: new Map(),
    due: new SortedSet(),
    outbox: new SortedSet(),
    parked: new SortedSet(),
    rescues: new Map(),
    statusCounts: new Map(),
    portals: new Set(),
    seq: 0,
    down: false,
    ...createActionData(),
  };
  // Every call checks for an outage first, as every Redis call fails while Redis is down.
  const up =
    <A extends unknown[], R>(f: (data: Data, ...a: A) => R) =>
    async (...a: A): Promise<R> => {
      available(d);
      return f(d, ...a);
    };
  return {
    ingest: up(ingest),
    load: up(load),
    history: up(history),
    archived: up((data, record: RecordRef) => [...(data.records.get(recordRefKey(record))?.archive.values() ?? [])].map((o) => structuredClone(o))),
    commit: up(commit),
    listRecords: (portalId) => (available(d), listRecords(d, portalId)),
    portals: up((data) => [...data.portals].sort((a, b) => a - b)),
    dueRecords: up((data, dueBy: number, limit: number, portalId?: number) =>
      data.due
        .upTo(dueBy)
        .map(([key, at]) => ({ record: refOf(data, key), at }))
        .filter((d) => portalId === undefined || d.record.portalId === portalId)
        .slice(0, limit),
    ),
    noteRescue: up(noteRescue),
    requestAnswer: up(requestAnswer),
    storeAction: up((data, write: Parameters<SignalStore['storeAction']>[0]) => storeAction(data, entry(data, write.kind === 'dispute' ? write.record : null), write)),
    pauses: up(pausesOf),
    portalLog: (portalId) => (available(d), portalLog(d, portalId)),
    trimLog: up(trimLog),
    outcomeCounts: up((data) => Object.fromEntries(data.statusCounts)),
    outbox: async () => d.outbox.upTo(Number.POSITIVE_INFINITY).map(([key, dueAt]) => ({ record: refOf(d, key), dueAt })),
    parked: async () => d.parked.upTo(Number.POSITIVE_INFINITY).map(([key, at]) => ({ record: refOf(d, key), at })),
    simulateOutage(on) {
      d.down = on;
    },
    outboxShare: { outbox: d.outbox, record: (key) => d.records.get(key) },
  };
}

function available(d: Data): void {
  if (d.down) throw new StoreUnavailableError('memory store: simulated outage');
}

function entry(d: Data, ref: RecordRef): StoredRecord;
function entry(d: Data, ref: RecordRef | null): StoredRecord | null;
function entry(d: Data, ref: RecordRef | null): StoredRecord | null {
  if (ref === null) return null;
  const key = recordRefKey(ref);
  let r = d.records.get(key);
  if (!r) {
    r = {
      ref: { portalId: ref.portalId, objectType: ref.objectType, recordId: ref.recordId },
      version: 0,
      state: null,
      pending: new SortedSet(),
      inputs: new Map(),
      checkpoint: null,
      kept: new SortedSet(),
      archive: new Map(),
      keptInputs: new Map(),
    };
    d.records.set(key, r);
  }
  return r;
}

const refOf = (d: Data, key: string): RecordRef => d.records.get(key)!.ref;

function ingest(d: Data, portalId: number, items: readonly IngestItem[]): IngestResult {
  d.portals.add(portalId);
  // One block of sequence numbers per batch, as the Redis script reserves it.
  let seq = d.seq;
  d.seq += items.length;
  let stored = 0;
  const moved = new Map<string, number>();
  for (const item of items) {
    if (!storeOne(d, portalId, item, seq + 1)) continue;
    seq++;
    stored++;
    const key = recordRefKey({ portalId, objectType: item.signal.objectType, recordId: item.signal.recordId });
    if (d.due.lower(key, item.signal.at)) moved.set(key, item.signal.at);
  }
  return { stored, duplicates: items.length - stored, wake: [...moved].map(([key, at]) => ({ record: refOf(d, key), at })) };
}

/** Stores one signal unless its identity was seen; says whether it was stored. */
function storeOne(d: Data, portalId: number, { identity, signal }: IngestItem, seq: number): boolean {
  const marker = `${portalId}|${identity}`;
  const now = d.clock();
  if ((d.seen.get(marker) ?? Number.NEGATIVE_INFINITY) > now) return false;
  d.seen.set(marker, now + SEEN_TTL_MS);
  const r = entry(d, { portalId, objectType: signal.objectType, recordId: signal.recordId });
  const member = String(seq).padStart(16, '0');
  r.pending.set(member, signal.at);
  r.inputs.set(member, structuredClone(signal));
  appendLog(d, portalId, { entry: 'signal', signal });
  return true;
}

function load(d: Data, record: RecordRef, watermark: number): LoadedRecord {
  const pauses = pausesOf(d, record.portalId);
  const r = d.records.get(recordRefKey(record));
  if (!r) return { version: 0, state: null, pending: [], actions: [], pauses, kept: { checkpointed: false, oldestAt: null } };
  const pending: PendingSignal[] = [];
  const actions: PendingAction[] = [];
  for (const [member] of r.pending.upTo(watermark)) {
    // Copies, as Redis hands out fresh decodes.
    const input = structuredClone(r.inputs.get(member)!);
    if ('kind' in input) pending.push({ member, seq: Number(member), signal: input });
    else actions.push({ member, seq: Number(member), action: input });
  }
  // The caller updates the loaded state in place: a copy, too.
  const kept = { checkpointed: r.checkpoint !== null, oldestAt: r.kept.first()?.[1] ?? null };
  return { version: r.version, state: r.state === null ? null : structuredClone(r.state), pending, actions, pauses, kept };
}

function history(d: Data, record: RecordRef): RecordHistory {
  const r = d.records.get(recordRefKey(record));
  if (!r) return { version: 0, checkpoint: null, kept: [] };
  const kept = r.kept.upTo(Number.POSITIVE_INFINITY).map(([member]) => ({ member, input: structuredClone(r.keptInputs.get(member)!) }));
  return { version: r.version, checkpoint: r.checkpoint === null ? null : structuredClone(r.checkpoint), kept };
}

/** Keeps the applied inputs (before they leave the pending set), drops the folded ones, saves a new checkpoint. */
function changeHistory(r: StoredRecord, change: HistoryChange | undefined): void {
  if (change === undefined) return;
  for (const { member, at } of change.keep) {
    const input = r.inputs.get(member);
    if (input === undefined) continue;
    r.kept.set(member, at);
    r.keptInputs.set(member, structuredClone(input));
  }
  // Reads sort before the sequenced inputs of their instant, as in Redis.
  for (const read of change.keepReads) {
    const member = `${KEPT_READ_PREFIX}${JSON.stringify(read)}`;
    r.kept.set(member, read.at);
    r.keptInputs.set(member, structuredClone(read));
  }
  for (const member of change.drop) if (r.kept.delete(member)) r.keptInputs.delete(member);
  if (change.checkpoint !== null) r.checkpoint = structuredClone(change.checkpoint);
  for (const o of change.archive ?? []) r.archive.set(o.outcomeId, structuredClone(o));
}

function commit(d: Data, c: CommitRequest): CommitResult {
  const r = entry(d, c.record);
  if (r.version !== c.version) return { ok: false, nextPendingAt: null, dueAt: null, dueChanged: false };
  const key = recordRefKey(c.record);
  r.version++;
  r.state = structuredClone(c.state);
  changeHistory(r, c.history);
  for (const p of c.applied) if (r.pending.delete(p.member)) r.inputs.delete(p.member);
  for (const e of c.logged ?? []) appendLog(d, c.record.portalId, e);
  // An earlier write-back due time wins, so a settlement is never held back by a pending change before it.
  if (c.writeDueAt !== null) d.outbox.lower(key, c.writeDueAt);
  d.rescues.delete(key);
  countStatuses(d.statusCounts, [...c.state.outcomes, ...(c.history?.archive ?? [])], c.statusesBefore);
  const previousDue = d.due.score(key) ?? null;
  const nextPendingAt = r.pending.first()?.[1] ?? null;
  const dueAt = nextPendingAt === null ? c.nextTimerAt : c.nextTimerAt === null ? nextPendingAt : Math.min(nextPendingAt, c.nextTimerAt);
  if (dueAt === null) d.due.delete(key);
  else d.due.set(key, dueAt);
  return { ok: true, nextPendingAt, dueAt, dueChanged: previousDue !== dueAt };
}

/** Moves the counts by status from the loaded state's outcomes to the committed state's. */
/** Archived outcomes still count: they leave the state, not the ledger. */
function countStatuses(counts: Map<string, number>, outcomes: readonly Outcome[], before: readonly string[]): void {
  const delta = new Map<string, number>();
  for (const o of outcomes) delta.set(o.status, (delta.get(o.status) ?? 0) + 1);
  for (const status of before) delta.set(status, (delta.get(status) ?? 0) - 1);
  for (const [status, n] of delta) if (n !== 0) counts.set(status, (counts.get(status) ?? 0) + n);
}

async function* listRecords(d: Data, portalId: number | undefined): AsyncIterable<RecordRef> {
  // Records with a committed state only, as the Redis records set holds.
  for (const r of [...d.records.values()]) if (r.version > 0 && (portalId === undefined || r.ref.portalId === portalId)) yield r.ref;
}

function noteRescue(d: Data, record: RecordRef, at: number, maxRescues: number): boolean {
  const key = recordRefKey(entry(d, record).ref);
  const count = (d.rescues.get(key) ?? 0) + 1;
  d.rescues.set(key, count);
  if (count <= maxRescues) return false;
  d.parked.set(key, at);
  d.due.delete(key);
  d.rescues.delete(key);
  return true;
}
