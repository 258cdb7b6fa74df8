// Test support: a nock HubSpot that records every request (method, path, body) and answers batch calls like HubSpot, with one-off answers a test queues; and outcome fixtures.
import nock from 'nock';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import type { RecordState } from '../../src/core/engine/record-state.ts';
import type { Backoff, DrainLock, DrainLog, RateLimiter } from '../../src/app/hubspot-calls.ts';
import type { DrainDeps } from '../../src/app/drain-run.ts';
import type { CrmApi } from '../../src/app/hubspot-ports.ts';
import { createHubSpotRequest } from '../../src/adapters/hubspot/client.ts';
import { createCrmApi } from '../../src/adapters/hubspot/crm-api.ts';
import { hubspotObserver } from '../../src/adapters/metrics/metrics.ts';
import type { Metrics } from '../../src/adapters/metrics/metrics.ts';
import type { CriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import type { ObjectType, Status } from '../../src/core/types.ts';

export const HUBSPOT_BASE = 'https://api.hubapi.com';
export const HUBSPOT_TOKEN = 'pat-na1-writeback-test-token';

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are JSON the test inspects freely
  readonly body: any;
}

export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Fail at the network level instead of answering. */
  readonly networkError?: string;
}

/** Returns an answer, or undefined to let HubSpot's usual answer go. */
export type Responder = (call: RecordedCall) => Answer | undefined | Promise<Answer | undefined>;

type Input = { id: string; properties?: Record<string, string>; objectWriteTraceId?: string; idProperty?: string };

/**
 * HubSpot as the batch endpoints behave: updates and upserts succeed (upserts create a record the first
 * time a unique value is seen, with ids from 9001), default associations succeed, reads return the
 * records in `records` and a 207 with OBJECT_NOT_FOUND for the others. `next(...)` queues one-off
 * answers, used in order, one per request; `always` answers every request first when set.
 */
export function hubspotDouble() {
  const calls: RecordedCall[] = [];
  const queued: Responder[] = [];
  const logIds = new Map<string, string>();
  const records = new Map<string, Record<string, string | null>>();
  let nextLogId = 9001;
  const double = {
    calls,
    /** Records a batch read finds, by object type and id. */
    records,
    always: undefined as Responder | undefined,
    next(...responders: Responder[]) {
      queued.push(...responders);
      return double;
    },
    /** Paths called, in order. */
    paths: () => calls.map((c) => `${c.method} ${c.path}`),
    reset() {
      calls.length = 0;
      queued.length = 0;
      double.always = undefined;
    },
  };

  function usual(call: RecordedCall): Answer {
    const stamp = { createdAt: '2026-11-03T10:00:00.000Z', updatedAt: '2026-11-03T10:00:00.000Z', archived: false };
    const batch = { status: 'COMPLETE', startedAt: '2026-11-03T10:00:00.000Z', completedAt: '2026-11-03T10:00:00.100Z' };
    const inputs = (call.body?.inputs ?? []) as Input[];
    if (call.path.endsWith('/batch/update')) {
      return { status: 200, body: { ...batch, results: inputs.map((i) => ({ id: i.id, properties: i.properties, objectWriteTraceId: i.objectWriteTraceId, ...stamp })) } };
    }
    if (call.path.endsWith('/batch/upsert')) {
      const results = inputs.map((i) => {
        const known = logIds.get(i.id);
        const id = known ?? String(nextLogId++);
        logIds.set(i.id, id);
        return { id, new: known === undefined, properties: i.properties, objectWriteTraceId: i.objectWriteTraceId, ...stamp };
      });
      return { status: 200, body: { ...batch, results } };
    }
    if (call.path.endsWith('/batch/associate/default')) {
      const pairs = (call.body?.inputs ?? []) as { from: { id: string }; to: { id: string } }[];
      return {
        status: 200,
        body: { ...batch, results: pairs.map((p) => ({ from: p.from, to: p.to, associationSpec: { associationCategory: 'USER_DEFINED', associationTypeId: 77 } })) },
      };
    }
    if (call.path.endsWith('/batch/read')) {
      const objectType = call.path.split('/')[4]!;
      const found = inputs.flatMap((i) => {
        const props = records.get(`${objectType}/${i.id}`);
        if (props === undefined) return [];
        const requested = Object.fromEntries((call.body.properties as string[]).map((p) => [p, props[p] ?? null]));
        return [{ id: i.id, properties: { hs_object_id: i.id, ...requested }, ...stamp }];
      });
      const missing = inputs.filter((i) => !records.has(`${objectType}/${i.id}`)).map((i) => i.id);
      if (missing.length === 0) return { status: 200, body: { ...batch, results: found } };
      const error = {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: missing },
      };
      return { status: 207, body: { ...batch, results: found, numErrors: 1, errors: [error] } };
    }
    return { status: 404, body: { status: 'error', message: `the double does not know ${call.path}`, category: 'OBJECT_NOT_FOUND' } };
  }

  // nock 15 hands a fetch Request to a one-argument reply function and takes a promise of [status, body, headers].
  nock(HUBSPOT_BASE, { reqheaders: { authorization: `Bearer ${HUBSPOT_TOKEN}` } })
    .persist()
    .post(/.*/)
    .reply(async (request: Request) => {
      const url = new URL(request.url);
      const text = await request.text();
      const call: RecordedCall = { method: request.method, path: `${url.pathname}${url.search}`, body: text === '' ? undefined : JSON.parse(text) };
      calls.push(call);
      const answer = (await double.always?.(call)) ?? (await queued.shift()?.(call)) ?? usual(call);
      // A thrown error is a failed request, as a reset connection would be.
      if (answer.networkError !== undefined) throw new Error(answer.networkError);
      return [answer.status, answer.body === undefined ? '' : JSON.stringify(answer.body), { 'content-type': 'application/json', ...answer.headers }] as const;
    });
  return double;
}

export const T0 = Date.parse('2026-11-03T10:00:00Z');

/** A complete outcome with sensible values; `over` sets any field. */
export function outcomeFixture(over: Partial<Outcome> & { recordId: string; objectType?: ObjectType; seq?: number; status?: Status }): Outcome {
  const objectType = over.objectType ?? 'ticket';
  const seq = over.seq ?? 1;
  const idempotencyKey = `resolve:${objectType}:${over.recordId}:2026-11-03`;
  const status = over.status ?? 'open';
  const settled = status === 'billable' || status === 'not_billable' || status === 'credited';
  return {
    outcomeId: `${idempotencyKey}#${seq}`,
    idempotencyKey,
    seq,
    criteriaId: 'resolve',
    criteriaVersion: 1,
    objectType,
    status,
    reason: status === 'not_billable' ? 'reversed' : null,
    label: null,
    tries: 1,
    suppressed: 0,
    duplicates: 0,
    openedAt: T0 + (seq - 1) * 60_000,
    lastPressAt: T0 + (seq - 1) * 60_000,
    deadline: T0 + 3_600_000,
    succeededAt: status === 'open' ? null : T0 + 30 * 60_000,
    reviewEndsAt: status === 'open' ? null : T0 + 90 * 60_000,
    settledAt: settled ? T0 + 90 * 60_000 : null,
    billingPeriod: status === 'billable' || status === 'credited' ? '2026-11' : null,
    dispute: null,
    agentId: null,
    costCentre: null,
    overLimit: false,
    creditedAt: null,
    creditPeriod: null,
    trail: [{ at: T0 + (seq - 1) * 60_000, version: 1, type: 'opened' }],
    ...over,
  } as Outcome;
}

export function stateWith(objectType: ObjectType, recordId: string, outcomes: readonly Outcome[]): RecordState {
  const state = newRecordState(objectType, recordId);
  state.outcomes = [...outcomes];
  state.clock = T0;
  return state;
}

/** A drain log that keeps what it is told, for tests to read; `clear()` before each test. */
export function recordingLog(): DrainLog & { readonly entries: { level: string; obj: object; msg: string }[]; clear(): void } {
  const entries: { level: string; obj: object; msg: string }[] = [];
  return {
    entries,
    clear: () => void entries.splice(0),
    info: (obj, msg) => void entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => void entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => void entries.push({ level: 'error', obj, msg }),
  };
}

/** What both HubSpot drains take besides their store: the real CRM adapter against the double, the guards, the clock, metrics and log. */
export function drainDeps(o: {
  readonly lock: DrainLock;
  readonly backoff: Backoff;
  readonly limiter: RateLimiter;
  readonly clock: () => number;
  readonly metrics: Metrics;
  readonly log: DrainLog;
  readonly criteria: () => CriteriaSet;
}): DrainDeps & { readonly api: CrmApi; readonly criteria: () => CriteriaSet } {
  return {
    api: createCrmApi(createHubSpotRequest({ accessToken: HUBSPOT_TOKEN })),
    lock: o.lock,
    backoff: o.backoff,
    limiter: o.limiter,
    clock: o.clock,
    observer: hubspotObserver(o.metrics),
    log: o.log,
    criteria: o.criteria,
  };
}
