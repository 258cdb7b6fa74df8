// Use case: write outcome changes back to HubSpot (each record's billing properties, one verification-log record per outcome), batched, coalesced, rate limited, retried and dead-lettered.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import { isoUtc } from '../core/time.ts';
import { batches, runDrain } from './drain-run.ts';
import type { DrainDeps, DrainRun } from './drain-run.ts';
import type { Stop, WriteKind } from './hubspot-calls.ts';
import { CRM_OBJECT_TYPES, MAX_BATCH_INPUTS, VERIFICATION_LOG_ID_PROPERTY, associationKey, verificationLogObjectType } from './hubspot-ports.ts';
import type { BatchResult, CrmApi, UpsertResult } from './hubspot-ports.ts';
import { applyOverLimit, requeueChangedMarks } from './limit-marks.ts';
import type { OverLimitReader } from './limit-marks.ts';
import { recordRefKey } from './ports.ts';
import type { RecordRef } from './ports.ts';
import { logCandidates, logWork, recordWrites, upsertedMark, writtenMark } from './writeback-plan.ts';
import type { LogWrite, PendingAssociation, RecordWrite, Work } from './writeback-plan.ts';
import type { DeadLetter, OutboxEntry, WritebackStore } from './writeback-ports.ts';

export interface WritebackDeps extends DrainDeps {
  readonly store: WritebackStore;
  readonly api: CrmApi;
  /** Prices of the pinned versions, for the amount on each verification log. */
  readonly criteria: () => CriteriaSet;
  /** Outbox entries taken per drain (default 300: three full batches, one per object type). */
  readonly maxRecords?: number;
  /** Stop starting calls after this long, so the lock is let go (default 60 s). */
  readonly timeBudgetMs?: number;
  /** Which outcomes are over their budget limit (contract §8); without it none is. */
  readonly overLimit?: OverLimitReader;
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

/**
 * Takes the oldest outbox entries, writes what changed since it was last written, and removes the
 * entries that are fully written. Safe to run from every worker: one runs at a time (the drain lock),
 * every call goes through the shared limiter, and a failure leaves the entry for the next run.
 */
export async function drainWriteback(deps: WritebackDeps): Promise<WritebackReport> {
  const busy: WritebackReport = { busy: true, entries: 0, calls: 0, written: { records: 0, logs: 0, associations: 0 }, deadLetters: 0, removed: 0, stop: null };
  const limits = { lockTtlMs: LOCK_TTL_MS, timeBudgetMs: deps.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS };
  return runDrain(deps, limits, busy, (run) => writeOnce(deps, run));
}

/** What one run wrote and gave up: for its report, the dead-letter list and the outbox. */
interface Session {
  readonly deps: WritebackDeps;
  readonly run: DrainRun;
  readonly written: { records: number; logs: number; associations: number };
  readonly letters: DeadLetter[];
  /** Content hashes to save as written, by written-outcomes field and by record. */
  readonly done: { readonly outcomes: (readonly [string, string])[]; readonly records: (readonly [RecordRef, string])[] };
}

async function writeOnce(deps: WritebackDeps, run: DrainRun): Promise<WritebackReport> {
  const s: Session = { deps, run, written: { records: 0, logs: 0, associations: 0 }, letters: [], done: { outcomes: [], records: [] } };
  const report = (entries: number, removed: number): WritebackReport => ({ busy: false, entries, calls: run.calls, written: s.written, deadLetters: s.letters.length, removed, stop: run.stop });
  if (run.stop !== null) return report(0, 0);
  const entries = await deps.store.oldest(deps.maxRecords ?? DEFAULT_MAX_RECORDS, run.started);
  if (entries.length === 0) return report(0, 0);

  const plan = await planWrites(deps, entries);
  await writeRecords(s, plan.records);
  // Logs upserted now that still need their association join the ones left from earlier runs.
  const toAssociate = [...plan.associations];
  await writeLogs(s, plan.logs, toAssociate);
  await writeAssociations(s, toAssociate);

  if (s.letters.length > 0) await deps.store.deadLetter(s.letters);
  const removed = await deps.store.finish({ ...s.done, remove: plan.works.filter((w) => !w.retry).map((w) => ({ entry: w.entry, version: w.version })) });
  return report(entries.length, removed);
}

/** What to write: everything whose content differs from what was last written. */
async function planWrites(deps: WritebackDeps, entries: readonly OutboxEntry[]) {
  const loaded = await deps.store.states(entries.map((e) => e.record));
  const recordHashes = await deps.store.writtenRecords(entries.map((e) => e.record));
  const works: Work[] = entries.map((entry, i) => ({ entry, version: loaded[i]?.version ?? 0, retry: false }));
  const states = loaded.map((l) => l.state);
  await markOverLimit(deps, entries, states);
  const records = recordWrites(works, states, recordHashes);
  const candidates = logCandidates(works, states, deps.criteria());
  const { logs, associations } = logWork(candidates, await deps.store.writtenOutcomes(candidates.map((c) => c.field)));
  return { works, records, logs, associations };
}

/**
 * Marks the loaded outcomes over limit, reading each portal of the run once, and puts back in the
 * outbox the portal's other records whose over-limit outcomes changed since the last drain.
 */
async function markOverLimit(deps: WritebackDeps, entries: readonly OutboxEntry[], states: readonly (RecordState | null)[]): Promise<void> {
  const reader = deps.overLimit;
  if (reader === undefined) return;
  const inRun = new Set(entries.map((e) => recordRefKey(e.record)));
  const marks = new Map<number, ReadonlySet<string>>();
  for (const [i, entry] of entries.entries()) {
    const state = states[i];
    if (!state) continue;
    const portalId = entry.record.portalId;
    let portal = marks.get(portalId);
    if (portal === undefined) {
      const read = reader.marks ? await reader.marks(portalId) : { outcomes: await reader.overLimit(portalId), records: null };
      if (read?.records) {
        const requeued = await requeueChangedMarks(deps.store, portalId, { outcomes: read.outcomes, records: read.records }, inRun, deps.clock());
        if (requeued > 0) deps.log.info({ portalId, requeued }, 'over-limit outcomes changed on records not in this run: put back in the outbox');
      }
      portal = read?.outcomes ?? NO_MARKS;
      marks.set(portalId, portal);
    }
    applyOverLimit(state.outcomes, portal);
  }
}

const NO_MARKS: ReadonlySet<string> = new Set();

/** One input of a write call, with what to remember when HubSpot takes it or refuses it for good. */
interface Item<R> {
  readonly key: string;
  readonly work: Work;
  /** The outcome a verification-log write or association is for; null for a record's billing properties. */
  readonly outcomeId: string | null;
  ok(result: R): void;
  /** HubSpot refused it for good: remember the content as handled so it is not sent again until it changes. */
  gaveUp(): void;
}

/** 1. Billing properties, one batch per portal and object type. */
async function writeRecords(s: Session, writes: readonly RecordWrite[]): Promise<void> {
  for (const batch of batches(writes, (w) => `${w.work.entry.record.portalId}:${w.work.entry.record.objectType}`)) {
    const objectType = CRM_OBJECT_TYPES[batch[0]!.work.entry.record.objectType];
    const items = batch.map(
      (w): Item<{ id: string }> & { properties: Record<string, string> } => ({
        key: w.work.entry.record.recordId,
        work: w.work,
        outcomeId: null,
        properties: w.properties,
        ok: () => {
          s.done.records.push([w.work.entry.record, w.hash]);
          s.written.records++;
          s.deps.observer.written('record', 1);
        },
        gaveUp: () => s.done.records.push([w.work.entry.record, w.hash]),
      }),
    );
    await send(s, 'batch_update', 'record', items, (c) => s.deps.api.batchUpdate(objectType, c.map((i) => ({ id: i.key, properties: i.properties }))));
  }
}

/** 2. Verification logs, upserted by outcome id, one batch per portal (all object types share the log object). */
async function writeLogs(s: Session, writes: readonly LogWrite[], toAssociate: PendingAssociation[]): Promise<void> {
  for (const batch of batches(writes, (w) => String(w.work.entry.record.portalId))) {
    const logType = verificationLogObjectType(batch[0]!.work.entry.record.portalId);
    const items = batch.map(
      (w): Item<UpsertResult> & { properties: Record<string, string> } => ({
        key: w.outcome.outcomeId,
        work: w.work,
        outcomeId: w.outcome.outcomeId,
        properties: w.properties,
        ok: (r) => {
          s.written.logs++;
          s.deps.observer.written('verification_log', 1);
          // A log never fully written before (or one HubSpot just created anew) still needs its association.
          if (w.firstWrite || r.created) {
            // Remembered at once, so a drain stopped before the association does not upsert again.
            s.done.outcomes.push([w.field, upsertedMark(r.id, w.hash)]);
            toAssociate.push({ work: w.work, logId: r.id, field: w.field, hash: w.hash, outcomeId: w.outcome.outcomeId });
          } else {
            s.done.outcomes.push([w.field, writtenMark(r.id, w.hash)]);
          }
        },
        gaveUp: () => s.done.outcomes.push([w.field, writtenMark(w.logId, w.hash)]),
      }),
    );
    await send(s, 'batch_upsert', 'verification_log', items, (c) =>
      s.deps.api.batchUpsert(logType, VERIFICATION_LOG_ID_PROPERTY, c.map((i) => ({ id: i.key, properties: i.properties }))),
    );
  }
}

/** 3. Associations of new logs with their record; the outcome counts as written only once this is done. */
async function writeAssociations(s: Session, pending: readonly PendingAssociation[]): Promise<void> {
  for (const batch of batches(pending, (a) => `${a.work.entry.record.portalId}:${a.work.entry.record.objectType}`)) {
    const record0 = batch[0]!.work.entry.record;
    const fromType = verificationLogObjectType(record0.portalId);
    const toType = CRM_OBJECT_TYPES[record0.objectType];
    const items = batch.map((a): Item<true> & { pair: { from: string; to: string } } => {
      const pair = { from: a.logId, to: a.work.entry.record.recordId };
      const markDone = () => s.done.outcomes.push([a.field, writtenMark(a.logId, a.hash)]);
      return {
        key: associationKey(pair),
        work: a.work,
        outcomeId: a.outcomeId,
        pair,
        ok: () => {
          markDone();
          s.written.associations++;
          s.deps.observer.written('association', 1);
        },
        gaveUp: markDone,
      };
    });
    await send(s, 'associate', 'association', items, (c) => s.deps.api.associateDefault(fromType, toType, c.map((i) => i.pair)));
  }
}

/** Sends one batch; a batch HubSpot refuses as a whole is split until the refused input is alone. */
async function send<R, I extends Item<R>>(s: Session, operation: string, kind: WriteKind, items: readonly I[], call: (items: readonly I[]) => Promise<BatchResult<R>>): Promise<void> {
  const outcome = await s.run.send(operation, items, (i) => i.key, call);
  if (outcome.kind === 'not_sent') {
    for (const item of items) item.work.retry = true;
    return;
  }
  if (outcome.kind === 'rejected') {
    if (items.length > 1) {
      const half = Math.ceil(items.length / 2);
      await send(s, operation, kind, items.slice(0, half), call);
      await send(s, operation, kind, items.slice(half), call);
    } else {
      const e = outcome.error;
      const message = [e.hubspotMessage ?? e.message, ...e.details].join(' | ');
      deadLetter(s, kind, items[0]!, `rejected ${e.status}${e.category ? ` ${e.category}` : ''}`, e.status, e.category, message);
    }
    return;
  }
  const status = outcome.answer.status;
  for (const input of outcome.inputs) {
    const item = input.item;
    if (input.kind === 'ok') {
      item.ok(input.result);
    } else if (input.kind === 'refused') {
      const { category, message, details } = input.error;
      deadLetter(s, kind, item, `refused in a ${status}: ${category ?? 'no category'}`, status, category, [message, ...details].join(' | '));
    } else {
      item.work.retry = true;
      const category = input.kind === 'again' ? input.error.category : null;
      s.deps.log.warn({ operation, key: item.key, status, category }, 'HubSpot did not take this input: it goes again next run');
    }
  }
}

function deadLetter(s: Session, kind: WriteKind, item: Item<unknown>, reason: string, status: number | null, category: string | null, message: string): void {
  item.gaveUp();
  const letter: DeadLetter = { kind, record: item.work.entry.record, outcomeId: item.outcomeId, reason, status, category, message: withoutEmails(message), at: isoUtc(s.deps.clock()) };
  s.letters.push(letter);
  s.deps.observer.deadLettered(kind, 1);
  s.deps.log.error({ deadLetter: letter }, 'HubSpot refused a write for good: dead-lettered');
}

/**
 * HubSpot's validation messages may quote the values refused, and a verification log holds staff's
 * email addresses (who disputed, who resolved): evidence for HubSpot, personal data the service's logs
 * and dead letters must not keep.
 */
export function withoutEmails(text: string): string {
  // Bounded parts (an address's own limits) keep this linear on a long message.
  return text.replace(/[^\s@"'<>()[\]{},;:]{1,64}@[^\s@"'<>()[\]{},;:]{1,253}\.[^\s@"'<>()[\]{},;:]{1,63}/g, '[email]');
}
