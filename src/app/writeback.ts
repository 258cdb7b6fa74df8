// Use case: write outcome changes back to HubSpot (each record's billing properties, one verification-log record per outcome), batched, coalesced, rate limited, retried and dead-lettered.
import { createHash } from 'node:crypto';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import { compareOutcomes, outcomeView } from '../core/ledger-view.ts';
import type { TrailView } from '../core/ledger-view.ts';
import { formatAmount } from '../core/money.ts';
import type { Price } from '../core/price.ts';
import { isoUtc } from '../core/time.ts';
import { attempt, clearsBackoff, isRetryableCategory, withDrainLock } from './hubspot-calls.ts';
import type { CallDeps, DrainLock, Stop, WriteKind } from './hubspot-calls.ts';
import type { HubSpotRejectedError } from './hubspot-errors.ts';
import { CRM_OBJECT_TYPES, MAX_BATCH_INPUTS, VERIFICATION_LOG_ID_PROPERTY, associationKey, verificationLogObjectType } from './hubspot-ports.ts';
import type { BatchResult, CrmApi, UpsertResult } from './hubspot-ports.ts';
import type { RecordRef } from './ports.ts';

// ---------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------

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
}

export interface WritebackDeps extends CallDeps {
  readonly store: WritebackStore;
  readonly api: CrmApi;
  readonly lock: DrainLock;
  /** Prices of the pinned versions, for the amount on each verification log. */
  readonly criteria: () => CriteriaSet;
  /** Outbox entries taken per drain (default 300: three full batches, one per object type). */
  readonly maxRecords?: number;
  /** Stop starting calls after this long, so the lock is let go (default 60 s). */
  readonly timeBudgetMs?: number;
}

export interface WritebackReport {
  /** Another process was draining: this one did nothing. */
  readonly busy: boolean;
  /** Outbox entries taken. */
  readonly entries: number;
  /** HubSpot calls made. */
  readonly calls: number;
  readonly written: { readonly records: number; readonly logs: number; readonly associations: number };
  readonly deadLetters: number;
  /** Outbox entries removed: written completely (or given up), and unchanged meanwhile. */
  readonly removed: number;
  /** Why the drain stopped before its work was done; null when it was not stopped. */
  readonly stop: Stop | null;
}

/** Long enough for a drain within its time budget plus its slowest call; short enough to recover from a dead process. */
const LOCK_TTL_MS = 5 * 60_000;
const DEFAULT_MAX_RECORDS = 3 * MAX_BATCH_INPUTS;
const DEFAULT_TIME_BUDGET_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// What is written (pure)
// ---------------------------------------------------------------------------------------------

/** HubSpot datetime values as epoch milliseconds (its documented timestamp format); '' clears the property. */
const datetime = (ms: number | null): string => (ms === null ? '' : String(ms));

const latestOf = (outcomes: readonly Outcome[]): Outcome | null =>
  outcomes.reduce<Outcome | null>((best, o) => (best === null || compareOutcomes(o, best) > 0 ? o : best), null);

/**
 * The record's billing properties (property-definitions/billing-properties.json): its latest outcome
 * across every criteria (latest opened; ties as the ledger orders them), how many of its outcomes are
 * billable now (credited ones no longer are), and whether its latest billable outcome is disputed.
 * Null for a record without outcomes: there is nothing to say about it.
 */
export function billingProperties(state: RecordState): Record<string, string> | null {
  const latest = latestOf(state.outcomes);
  if (latest === null) return null;
  const billable = state.outcomes.filter((o) => o.status === 'billable');
  const view = outcomeView(latest);
  return {
    ob_status: latest.status,
    ob_outcome_id: latest.outcomeId,
    ob_reason: view.reason ?? '',
    ob_criteria_id: latest.criteriaId,
    ob_criteria_version: String(latest.criteriaVersion),
    ob_succeeded_at: datetime(latest.succeededAt),
    ob_settled_at: datetime(latest.settledAt),
    ob_billable_count: String(billable.length),
    ob_disputed: String(latestOf(billable)?.dispute?.status === 'open'),
  };
}

/**
 * What the verification log says the outcome costs, as a decimal string in the currency's minor digits
 * (never a float): a billable or credited outcome under a flat price costs its unit amount (a credited
 * one was billed at it; its credit is a line of its own on the invoice); a not-billable one costs 0.
 * Open, in-review and failed outcomes are not decided yet: ''. Under a graduated or volume price an
 * outcome has no price of its own (the invoice rates the period's whole count), so the amount stays ''
 * and the invoice line is the place to look; the currency is always the criteria's.
 */
export function outcomeAmount(o: Outcome, price: Price | null): { amount: string; currency: string } {
  if (price === null) return { amount: '', currency: '' };
  const currency = price.currency;
  if (o.status === 'not_billable') return { amount: formatAmount(0n, currency), currency };
  if ((o.status === 'billable' || o.status === 'credited') && price.model === 'flat') return { amount: formatAmount(price.unitMinor, currency), currency };
  return { amount: '', currency };
}

/** HubSpot's limit on a text property is 65,536 characters; some room is kept. */
export const TRAIL_MAX_CHARS = 65_000;

/**
 * The audit trail as stored in `ob_audit_trail`: the outcome's trail as JSON (cli.md's shape). A trail
 * too long for HubSpot keeps its first entry and as many of the latest as fit, with an `omitted` entry
 * saying how many were left out; the full trail is always at `GET /api/outcomes/:outcomeId`.
 */
export function auditTrailText(trail: readonly TrailView[], outcomeId: string, max = TRAIL_MAX_CHARS): string {
  const full = JSON.stringify(trail);
  if (full.length <= max || trail.length < 3) return full;
  const parts = trail.map((e) => JSON.stringify(e));
  const note = `left out to fit HubSpot's text limit; the full trail is at GET /api/outcomes/${encodeURIComponent(outcomeId)}`;
  const marker = (count: number) => JSON.stringify({ type: 'omitted', count, note });
  let size = 2 + parts[0]!.length + 1 + marker(parts.length).length;
  let k = parts.length;
  while (k > 2 && size + 1 + parts[k - 1]!.length <= max) {
    size += 1 + parts[k - 1]!.length;
    k--;
  }
  return `[${[parts[0]!, marker(k - 1), ...parts.slice(k)].join(',')}]`;
}

/** The verification-log record of an outcome (property-definitions/verification-log-schema.json). */
export function verificationLogProperties(o: Outcome, price: Price | null): Record<string, string> {
  const view = outcomeView(o, true);
  const trail = auditTrailText(view.trail ?? [], o.outcomeId);
  const { amount, currency } = outcomeAmount(o, price);
  return {
    ob_outcome_id: o.outcomeId,
    ob_criteria_id: o.criteriaId,
    ob_criteria_version: String(o.criteriaVersion),
    ob_object_type: o.objectType,
    ob_record_id: o.recordId,
    ob_status: o.status,
    ob_reason: view.reason ?? '',
    ob_label: view.label ?? '',
    ob_tries: String(o.tries),
    ob_opened_at: datetime(o.openedAt),
    ob_succeeded_at: datetime(o.succeededAt),
    ob_settled_at: datetime(o.settledAt),
    ob_amount: amount,
    ob_currency: currency,
    ob_audit_trail: trail,
    ob_audit_trail_sha256: createHash('sha256').update(trail, 'utf8').digest('hex'),
  };
}

/** What identifies a write's content: the same properties give the same hash, so unchanged content is never sent twice. */
export function contentHash(properties: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(JSON.stringify(properties)).digest('base64url');
}

/**
 * What the written-outcomes hash holds per outcome: the content hash once the log is written and
 * associated, or `assoc:{log id}:{hash}` while the log is upserted but its association still waits.
 */
type WrittenMark = { kind: 'none' } | { kind: 'written'; hash: string } | { kind: 'upserted'; logId: string; hash: string };

const upsertedMark = (logId: string, hash: string): string => `assoc:${logId}:${hash}`;

function readMark(value: string | null): WrittenMark {
  if (value === null) return { kind: 'none' };
  const m = /^assoc:([^:]+):(.+)$/.exec(value);
  return m ? { kind: 'upserted', logId: m[1]!, hash: m[2]! } : { kind: 'written', hash: value };
}

/** Outcome ids are unique within a portal; the written-hash field carries the portal too. */
export const writtenOutcomeField = (portalId: number, outcomeId: string): string => `${portalId}|${outcomeId}`;

// ---------------------------------------------------------------------------------------------
// The drain
// ---------------------------------------------------------------------------------------------

interface Work {
  readonly entry: OutboxEntry;
  /** The record's state version the writes were computed from. */
  readonly version: number;
  /** Something of this record was not written and is worth sending again: its entry stays. */
  retry: boolean;
}

interface Item<R> {
  readonly key: string;
  readonly work: Work;
  readonly outcomeId: string | null;
  ok(result: R): void;
  /** HubSpot refused it for good: remember the content as handled so it is not sent again until it changes. */
  gaveUp(): void;
}

/**
 * Takes the oldest outbox entries, writes what changed since it was last written, and removes the
 * entries that are fully written. Safe to run from every worker: one runs at a time (a Redis lock),
 * every call goes through the shared limiter, and a failure leaves the entry for the next run.
 */
export async function drainWriteback(deps: WritebackDeps): Promise<WritebackReport> {
  const busy: WritebackReport = { busy: true, entries: 0, calls: 0, written: { records: 0, logs: 0, associations: 0 }, deadLetters: 0, removed: 0, stop: null };
  return withDrainLock(deps.lock, LOCK_TTL_MS, busy, () => drain(deps));
}

async function drain(deps: WritebackDeps): Promise<WritebackReport> {
  const started = deps.clock();
  const written = { records: 0, logs: 0, associations: 0 };
  let calls = 0;
  let okCalls = 0;
  let stop: Stop | null = null;
  const letters: DeadLetter[] = [];
  const done = { outcomes: [] as (readonly [string, string])[], records: [] as (readonly [RecordRef, string])[] };
  const report = (entries: number, removed: number): WritebackReport => ({ busy: false, entries, calls, written, deadLetters: letters.length, removed, stop });

  const heldUntil = await deps.backoff.until();
  if (heldUntil > started) {
    stop = { reason: 'backing_off', waitMs: heldUntil - started, message: 'an earlier HubSpot failure is being backed off' };
    return report(0, 0);
  }
  const entries = await deps.store.oldest(deps.maxRecords ?? DEFAULT_MAX_RECORDS, started);
  if (entries.length === 0) return report(0, 0);

  // What to write: everything whose content differs from what was last written.
  const loaded = await deps.store.states(entries.map((e) => e.record));
  const recordHashes = await deps.store.writtenRecords(entries.map((e) => e.record));
  const criteria = deps.criteria();
  const works: Work[] = entries.map((entry, i) => ({ entry, version: loaded[i]?.version ?? 0, retry: false }));
  const recordWrites: { work: Work; properties: Record<string, string>; hash: string }[] = [];
  const logCandidates: { work: Work; outcome: Outcome; properties: Record<string, string>; hash: string; field: string }[] = [];
  works.forEach((work, i) => {
    const state = loaded[i]?.state;
    if (!state) return;
    const properties = billingProperties(state);
    if (properties !== null) {
      const hash = contentHash(properties);
      if (hash !== recordHashes[i]) recordWrites.push({ work, properties, hash });
    }
    for (const outcome of state.outcomes) {
      const properties = verificationLogProperties(outcome, priceOf(criteria, outcome));
      logCandidates.push({ work, outcome, properties, hash: contentHash(properties), field: writtenOutcomeField(work.entry.record.portalId, outcome.outcomeId) });
    }
  });
  const logMarks = (await deps.store.writtenOutcomes(logCandidates.map((c) => c.field))).map(readMark);
  // Logs upserted earlier whose association did not go through: only the association is left to do.
  const toAssociate: { work: Work; logId: string; field: string; hash: string; outcomeId: string }[] = [];
  const logWrites: ((typeof logCandidates)[number] & { firstWrite: boolean })[] = [];
  logCandidates.forEach((c, i) => {
    const mark = logMarks[i]!;
    if (mark.kind === 'written' && mark.hash === c.hash) return;
    if (mark.kind === 'upserted' && mark.hash === c.hash) toAssociate.push({ work: c.work, logId: mark.logId, field: c.field, hash: c.hash, outcomeId: c.outcome.outcomeId });
    else logWrites.push({ ...c, firstWrite: mark.kind !== 'written' });
  });

  const deadLetter = (kind: WriteKind, item: Item<unknown>, reason: string, status: number | null, category: string | null, message: string) => {
    item.gaveUp();
    const letter: DeadLetter = { kind, record: item.work.entry.record, outcomeId: item.outcomeId, reason, status, category, message, at: isoUtc(deps.clock()) };
    letters.push(letter);
    deps.observer.deadLettered(kind, 1);
    deps.log.error({ deadLetter: letter }, 'HubSpot refused a write for good: dead-lettered');
  };

  /** Sends one batch; a batch HubSpot refuses as a whole is split until the refused input is alone. */
  async function send<R, I extends Item<R>>(operation: string, kind: WriteKind, items: readonly I[], call: (items: readonly I[]) => Promise<BatchResult<R>>): Promise<void> {
    if (items.length === 0) return;
    if (stop === null && deps.clock() - started > (deps.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS)) {
      stop = { reason: 'time_budget', waitMs: 0, message: 'the drain used its time budget; the rest goes next run' };
    }
    if (stop !== null) {
      for (const item of items) item.work.retry = true;
      return;
    }
    const result = await attempt(deps, operation, () => call(items));
    if (result.kind !== 'stop' || result.stop.reason !== 'throttled') calls++;
    if (result.kind === 'stop') {
      stop = result.stop;
      for (const item of items) item.work.retry = true;
      return;
    }
    if (result.kind === 'rejected') {
      if (items.length > 1) {
        const half = Math.ceil(items.length / 2);
        await send(operation, kind, items.slice(0, half), call);
        await send(operation, kind, items.slice(half), call);
      } else {
        const e: HubSpotRejectedError = result.error;
        const message = [e.hubspotMessage ?? e.message, ...e.details].join(' | ');
        deadLetter(kind, items[0]!, `rejected ${e.status}${e.category ? ` ${e.category}` : ''}`, e.status, e.category, message);
      }
      return;
    }
    okCalls++;
    const answer = result.value;
    const missing = items.filter((i) => !answer.results.has(i.key) && !answer.errors.has(i.key));
    for (const item of items) {
      const ok = answer.results.get(item.key);
      if (ok !== undefined) {
        item.ok(ok);
        continue;
      }
      // One unnamed error and one input without a result: that error is that input's.
      const error = answer.errors.get(item.key) ?? (missing.length === 1 && answer.unattributed.length === 1 ? answer.unattributed[0] : undefined);
      if (error !== undefined && !isRetryableCategory(error.category)) {
        deadLetter(kind, item, `refused in a ${answer.status}: ${error.category ?? 'no category'}`, answer.status, error.category, [error.message, ...error.details].join(' | '));
      } else {
        item.work.retry = true;
        deps.log.warn({ operation, key: item.key, status: answer.status, category: error?.category ?? null }, 'HubSpot did not take this input: it goes again next run');
      }
    }
  }

  // 1. Billing properties, one batch per portal and object type.
  for (const [, group] of groupBy(recordWrites, (w) => `${w.work.entry.record.portalId}:${w.work.entry.record.objectType}`)) {
    const objectType = CRM_OBJECT_TYPES[group[0]!.work.entry.record.objectType];
    const items = group.map(
      (w): Item<{ id: string }> & { properties: Record<string, string> } => ({
        key: w.work.entry.record.recordId,
        work: w.work,
        outcomeId: null,
        properties: w.properties,
        ok: () => {
          done.records.push([w.work.entry.record, w.hash]);
          written.records++;
          deps.observer.written('record', 1);
        },
        gaveUp: () => done.records.push([w.work.entry.record, w.hash]),
      }),
    );
    for (const chunk of chunks(items)) {
      await send('batch_update', 'record', chunk, (c) => deps.api.batchUpdate(objectType, c.map((i) => ({ id: i.key, properties: i.properties }))));
    }
  }

  // 2. Verification logs, upserted by outcome id, one batch per portal (all object types share the log object).
  for (const [, group] of groupBy(logWrites, (w) => String(w.work.entry.record.portalId))) {
    const logType = verificationLogObjectType(group[0]!.work.entry.record.portalId);
    const items = group.map(
      (w): Item<UpsertResult> & { properties: Record<string, string> } => ({
        key: w.outcome.outcomeId,
        work: w.work,
        outcomeId: w.outcome.outcomeId,
        properties: w.properties,
        ok: (r) => {
          written.logs++;
          deps.observer.written('verification_log', 1);
          // A log never fully written before (or one HubSpot just created anew) still needs its association.
          if (w.firstWrite || r.created) {
            // Remembered at once, so a drain stopped before the association does not upsert again.
            done.outcomes.push([w.field, upsertedMark(r.id, w.hash)]);
            toAssociate.push({ work: w.work, logId: r.id, field: w.field, hash: w.hash, outcomeId: w.outcome.outcomeId });
          } else {
            done.outcomes.push([w.field, w.hash]);
          }
        },
        gaveUp: () => done.outcomes.push([w.field, w.hash]),
      }),
    );
    for (const chunk of chunks(items)) {
      await send('batch_upsert', 'verification_log', chunk, (c) =>
        deps.api.batchUpsert(logType, VERIFICATION_LOG_ID_PROPERTY, c.map((i) => ({ id: i.key, properties: i.properties }))),
      );
    }
  }

  // 3. Associations of new logs with their record; the outcome counts as written only once this is done.
  for (const [, group] of groupBy(toAssociate, (a) => `${a.work.entry.record.portalId}:${a.work.entry.record.objectType}`)) {
    const record0 = group[0]!.work.entry.record;
    const fromType = verificationLogObjectType(record0.portalId);
    const toType = CRM_OBJECT_TYPES[record0.objectType];
    const items = group.map(
      (a): Item<true> & { pair: { from: string; to: string } } => {
        const pair = { from: a.logId, to: a.work.entry.record.recordId };
        const markDone = () => done.outcomes.push([a.field, a.hash]);
        return {
          key: associationKey(pair),
          work: a.work,
          outcomeId: a.outcomeId,
          pair,
          ok: () => {
            markDone();
            written.associations++;
            deps.observer.written('association', 1);
          },
          gaveUp: markDone,
        };
      },
    );
    for (const chunk of chunks(items)) {
      await send('associate', 'association', chunk, (c) => deps.api.associateDefault(fromType, toType, c.map((i) => i.pair)));
    }
  }

  if (letters.length > 0) await deps.store.deadLetter(letters);
  if (clearsBackoff(okCalls, stop)) await deps.backoff.reset();
  const removed = await deps.store.finish({ ...done, remove: works.filter((w) => !w.retry).map((w) => ({ entry: w.entry, version: w.version })) });
  return report(entries.length, removed);
}

function priceOf(criteria: CriteriaSet, o: Outcome): Price | null {
  try {
    return criteria.get(o.criteriaId, o.criteriaVersion).price;
  } catch {
    // A version no longer loaded: the log is still written, without an amount.
    return null;
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function chunks<T>(items: readonly T[], size = MAX_BATCH_INPUTS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

