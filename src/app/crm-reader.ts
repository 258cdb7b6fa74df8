// Use case: answer workers' requests for a record's current properties with batch reads from HubSpot, coalesced across records, through the shared limiter.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { propertiesRead } from '../core/criteria/types.ts';
import type { ObjectType } from '../core/types.ts';
import { batches, runDrain } from './drain-run.ts';
import type { DrainDeps, DrainRun, InputAnswer } from './drain-run.ts';
import type { Stop } from './hubspot-calls.ts';
import type { HubSpotRejectedError } from './hubspot-errors.ts';
import { CRM_OBJECT_TYPES, MAX_BATCH_INPUTS } from './hubspot-ports.ts';
import type { CrmApi } from './hubspot-ports.ts';
import type { CrmSnapshot, CrmSnapshotStore, RecordRef } from './ports.ts';

export interface CrmReaderDeps extends DrainDeps {
  readonly snapshots: CrmSnapshotStore;
  readonly api: CrmApi;
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
  const limits = { lockTtlMs: LOCK_TTL_MS, timeBudgetMs: deps.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS };
  return runDrain(deps, limits, { busy: true, requests: 0, calls: 0, found: 0, notFound: 0, stop: null }, (run) => readOnce(deps, run));
}

async function readOnce(deps: CrmReaderDeps, run: DrainRun): Promise<CrmReadReport> {
  const counts = { found: 0, notFound: 0 };
  const report = (requests: number): CrmReadReport => ({ busy: false, requests, calls: run.calls, ...counts, stop: run.stop });
  if (run.stop !== null) return report(0);
  const requested = await deps.snapshots.requested(deps.maxRecords ?? DEFAULT_MAX_RECORDS);
  if (requested.length === 0) return report(0);
  const criteria = deps.criteria();
  // Worked out once per object type and run, not once per batch of 100.
  const propertiesByObject = new Map<ObjectType, string[]>();

  for (const batch of batches(requested.map((r) => r.record), (r) => `${r.portalId}:${r.objectType}`)) {
    const object = batch[0]!.objectType;
    let properties = propertiesByObject.get(object);
    if (properties === undefined) propertiesByObject.set(object, (properties = propertiesToRead(criteria, object)));
    const outcome = await run.send('batch_read', batch, (r) => r.recordId, (records) =>
      deps.api.batchRead(
        CRM_OBJECT_TYPES[object],
        records.map((r) => r.recordId),
        properties,
      ),
    );
    if (outcome.kind === 'rejected') await refused(deps, run, object, properties, outcome.error);
    if (outcome.kind !== 'answered') continue;
    const snapshots = snapshotsOf(outcome.inputs, properties, outcome.calledAt);
    await Promise.all(snapshots.map(([record, snapshot]) => deps.snapshots.save(record, snapshot)));
    for (const [, snapshot] of snapshots) {
      if (snapshot.found) counts.found++;
      else counts.notFound++;
    }
    const otherErrors = [...outcome.answer.errors.values(), ...outcome.answer.unattributed].filter((e) => e.category !== 'OBJECT_NOT_FOUND');
    if (otherErrors.length > 0) deps.log.warn({ object, errors: otherErrors.slice(0, 5) }, 'HubSpot reported errors on a batch read other than records not found');
  }
  if (counts.found > 0) deps.observer.read('found', counts.found);
  if (counts.notFound > 0) deps.observer.read('not_found', counts.notFound);
  return report(requested.length);
}

/**
 * A snapshot per record HubSpot answered for. A passing failure on one record (HubSpot's own 207
 * wording) gets none: its request stays for the next run. A record not returned is not in HubSpot
 * (deleted, or merged into another id).
 */
function snapshotsOf(inputs: readonly InputAnswer<RecordRef, Readonly<Record<string, string | null>>>[], properties: readonly string[], readAt: number): [RecordRef, CrmSnapshot][] {
  return inputs.flatMap((input): [RecordRef, CrmSnapshot][] => {
    if (input.kind === 'again') return [];
    if (input.kind !== 'ok') return [[input.item, { readAt, found: false, properties: {} }]];
    const values = input.result;
    return [[input.item, { readAt, found: true, properties: Object.fromEntries(properties.map((p) => [p, values[p] ?? ''])) }]];
  });
}

/**
 * Inputs are only ids: a refused read is the request as a whole (properties, object type), not one
 * record. Dropping the requests would leave workers waiting; they stay, and a person is told.
 */
async function refused(deps: CrmReaderDeps, run: DrainRun, object: ObjectType, properties: readonly string[], error: HubSpotRejectedError): Promise<void> {
  const until = await deps.backoff.fail(deps.clock(), 60_000);
  deps.log.error(
    { operation: 'batch_read', object, status: error.status, category: error.category, err: error.message, properties },
    'HubSpot refused a batch read: reads wait and retry; check the criteria property names and the app scopes',
  );
  run.halt({ reason: 'refused', waitMs: until - deps.clock(), message: error.message });
}
