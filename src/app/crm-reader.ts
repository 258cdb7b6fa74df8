// Use case: answer workers' requests for a record's current properties with batch reads from HubSpot, coalesced across records, through the shared limiter.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { propertiesRead } from '../core/criteria/types.ts';
import type { ObjectType } from '../core/types.ts';
import { attempt, clearsBackoff, isRetryableCategory, withDrainLock } from './hubspot-calls.ts';
import type { CallDeps, DrainLock, Stop } from './hubspot-calls.ts';
import { CRM_OBJECT_TYPES, MAX_BATCH_INPUTS } from './hubspot-ports.ts';
import type { CrmApi } from './hubspot-ports.ts';
import type { CrmSnapshot, CrmSnapshotStore, RecordRef } from './ports.ts';

export interface CrmReaderDeps extends CallDeps {
  readonly snapshots: CrmSnapshotStore;
  readonly api: CrmApi;
  readonly lock: DrainLock;
  readonly criteria: () => CriteriaSet;
  /** Requests taken per drain (default 300: three full batches). */
  readonly maxRecords?: number;
  /** Stop starting calls after this long, so the lock is let go (default 30 s). */
  readonly timeBudgetMs?: number;
}

export interface CrmReadReport {
  readonly busy: boolean;
  /** Requests taken. */
  readonly requests: number;
  readonly calls: number;
  readonly found: number;
  readonly notFound: number;
  readonly stop: Stop | null;
}

const LOCK_TTL_MS = 2 * 60_000;
const DEFAULT_MAX_RECORDS = 3 * MAX_BATCH_INPUTS;
const DEFAULT_TIME_BUDGET_MS = 30_000;

/**
 * Every property any criteria version on the object reads (trigger, conditions, failure and exclusion
 * rules), sorted: one read serves every criteria watching the record, old versions included, since
 * attempts keep their pinned version all their life.
 */
export function propertiesToRead(criteria: CriteriaSet, object: ObjectType): string[] {
  const names = new Set<string>();
  for (const v of criteria.versions()) if (v.object === object) for (const p of propertiesRead(v)) names.add(p);
  return [...names].sort();
}

/**
 * Reads the oldest requested records in batches of up to 100 per portal and object type, and saves a
 * snapshot for each: `readAt` is the time the call was made (so a worker can tell it is newer than its
 * request), a null value is stored as '' (unknown), and a record HubSpot does not return is
 * `found: false`. On a 429, a 5xx or no answer the requests stay, for the next run.
 */
export async function drainCrmReads(deps: CrmReaderDeps): Promise<CrmReadReport> {
  return withDrainLock(deps.lock, LOCK_TTL_MS, { busy: true, requests: 0, calls: 0, found: 0, notFound: 0, stop: null }, () => drain(deps));
}

async function drain(deps: CrmReaderDeps): Promise<CrmReadReport> {
  const started = deps.clock();
  let calls = 0;
  let okCalls = 0;
  let found = 0;
  let notFound = 0;
  let stop: Stop | null = null;
  const report = (requests: number): CrmReadReport => ({ busy: false, requests, calls, found, notFound, stop });

  const heldUntil = await deps.backoff.until();
  if (heldUntil > started) {
    stop = { reason: 'backing_off', waitMs: heldUntil - started, message: 'an earlier HubSpot failure is being backed off' };
    return report(0);
  }
  const requested = await deps.snapshots.requested(deps.maxRecords ?? DEFAULT_MAX_RECORDS);
  if (requested.length === 0) return report(0);
  const criteria = deps.criteria();

  const groups = new Map<string, RecordRef[]>();
  for (const { record } of requested) {
    const key = `${record.portalId}:${record.objectType}`;
    const list = groups.get(key);
    if (list) list.push(record);
    else groups.set(key, [record]);
  }

  for (const records of groups.values()) {
    const object = records[0]!.objectType;
    const properties = propertiesToRead(criteria, object);
    for (let i = 0; i < records.length && stop === null; i += MAX_BATCH_INPUTS) {
      if (deps.clock() - started > (deps.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS)) {
        stop = { reason: 'time_budget', waitMs: 0, message: 'the drain used its time budget; the rest goes next run' };
        break;
      }
      const batch = records.slice(i, i + MAX_BATCH_INPUTS);
      const readAt = deps.clock();
      const result = await attempt(deps, 'batch_read', () =>
        deps.api.batchRead(
          CRM_OBJECT_TYPES[object],
          batch.map((r) => r.recordId),
          properties,
        ),
      );
      if (result.kind !== 'stop' || result.stop.reason !== 'throttled') calls++;
      if (result.kind === 'stop') {
        stop = result.stop;
        break;
      }
      if (result.kind === 'rejected') {
        // Inputs are only ids: a refused read is the request as a whole (properties, object type), not one
        // record. Dropping the requests would leave workers waiting; they stay, and a person is told.
        const until = await deps.backoff.fail(deps.clock(), 60_000);
        deps.log.error(
          { operation: 'batch_read', object, status: result.error.status, category: result.error.category, err: result.error.message, properties },
          'HubSpot refused a batch read: reads wait and retry; check the criteria property names and the app scopes',
        );
        stop = { reason: 'refused', waitMs: until - deps.clock(), message: result.error.message };
        break;
      }
      okCalls++;
      const answer = result.value;
      const missing = batch.filter((r) => !answer.results.has(r.recordId) && !answer.errors.has(r.recordId));
      const snapshots: [RecordRef, CrmSnapshot][] = [];
      for (const record of batch) {
        const values = answer.results.get(record.recordId);
        if (values !== undefined) {
          snapshots.push([record, { readAt, found: true, properties: Object.fromEntries(properties.map((p) => [p, values[p] ?? ''])) }]);
          continue;
        }
        const error = answer.errors.get(record.recordId) ?? (missing.length === 1 && answer.unattributed.length === 1 ? answer.unattributed[0] : undefined);
        // A passing failure on one record (HubSpot's own 207 wording): its request stays for the next run.
        if (error !== undefined && isRetryableCategory(error.category)) continue;
        // Not returned: HubSpot has no such record (deleted, or merged into another id).
        snapshots.push([record, { readAt, found: false, properties: {} }]);
      }
      await Promise.all(snapshots.map(([record, snapshot]) => deps.snapshots.save(record, snapshot)));
      for (const [, snapshot] of snapshots) {
        if (snapshot.found) found++;
        else notFound++;
      }
      const otherErrors = [...answer.errors.values(), ...answer.unattributed].filter((e) => e.category !== 'OBJECT_NOT_FOUND');
      if (otherErrors.length > 0) deps.log.warn({ object, errors: otherErrors.slice(0, 5) }, 'HubSpot reported errors on a batch read other than records not found');
    }
  }
  if (found > 0) deps.observer.read('found', found);
  if (notFound > 0) deps.observer.read('not_found', notFound);
  if (clearsBackoff(okCalls, stop)) await deps.backoff.reset();
  return report(requested.length);
}
