// Use case: `reconcile`: read the portal's verification log back from HubSpot (paged, through the shared rate limiter), compare it with the ledger and the invoice, and on request queue the repairs.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { adjustmentsFor } from '../core/invoice/adjustments.ts';
import type { ClosedPeriod } from '../core/invoice/adjustments.ts';
import { ratedLinesByPeriod } from '../core/invoice/lines.ts';
import type { PeriodLine } from '../core/invoice/lines.ts';
import { isoUtc } from '../core/time.ts';
import { attempt, NO_OBSERVER } from './hubspot-calls.ts';
import type { Backoff, DrainLog, HubSpotObserver, RateLimiter, StopReason } from './hubspot-calls.ts';
import { MAX_BATCH_INPUTS, verificationLogObjectType } from './hubspot-ports.ts';
import { liveLines } from './invoices.ts';
import { LOG_PROPERTIES, compareThreeWays } from './reconcile-compare.ts';
import type { Mismatch } from './reconcile-compare.ts';
import type { LogPage, LogRecord, ReconcileSummary, RepairQueue, Requeue, VerificationLogApi } from './reconcile-ports.ts';

export interface ReconcileDeps {
  readonly api: VerificationLogApi;
  /** The limiter the service's drains share: reconcile's calls count against the same HubSpot budget. */
  readonly limiter: RateLimiter;
  readonly repairs: RepairQueue;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: DrainLog;
  readonly observer?: HubSpotObserver;
  /** How long in all to wait for the rate limit and HubSpot's passing failures before giving up (default 5 minutes). */
  readonly maxWaitMs?: number;
}

export interface ReconcileInput {
  readonly portalId: number;
  readonly period: string;
  readonly outcomes: readonly Outcome[];
  readonly criteria: CriteriaSet;
  readonly closed: ReadonlyMap<string, ClosedPeriod>;
  readonly repair: boolean;
}

export interface ReconcileReport {
  readonly portalId: number;
  readonly period: string;
  readonly state: 'open' | 'closed';
  readonly checked: { readonly invoiceLines: number; readonly logsRead: number; readonly pages: number };
  readonly mismatches: readonly Mismatch[];
  /** Outcomes of a closed period that changed after close and that an adjustment line carries: agreed, not mismatches. */
  readonly adjusted: readonly string[];
  readonly repair: null | { readonly queued: number; readonly archived: number; readonly notRepairable: number };
}

export type ReconcileResult = { readonly ok: true; readonly report: ReconcileReport } | { readonly ok: false; readonly message: string };

/** Stops that pass: wait as told and call again. Any other stop (a token or scope problem, an unreadable answer) ends the run. */
const PASSING: ReadonlySet<StopReason> = new Set(['throttled', 'rate_limited', 'server_error', 'unavailable', 'locked', 'backing_off']);
const DEFAULT_MAX_WAIT_MS = 5 * 60_000;

export async function reconcile(deps: ReconcileDeps, input: ReconcileInput): Promise<ReconcileResult> {
  const caller = hubspotCaller(deps);
  const read = await readLogs(deps, caller, input.portalId);
  if (!read.ok) return read;
  const frozen = input.closed.get(input.period);
  const lines: readonly PeriodLine[] = frozen ? frozen.snapshot.lines : liveLines(input.period, input.outcomes, input.criteria, input.closed);
  const adjusted = frozen ? adjustedOutcomes(input) : new Set<string>();
  const mismatches = compareThreeWays({ period: input.period, outcomes: input.outcomes, criteria: input.criteria, lines, logs: read.logs });
  let repair: ReconcileReport['repair'] = null;
  if (input.repair) {
    const done = await repairAll(deps, caller, input, mismatches);
    if (!done.ok) return done;
    repair = done.value;
  }
  return {
    ok: true,
    report: {
      portalId: input.portalId,
      period: input.period,
      state: frozen ? 'closed' : 'open',
      checked: { invoiceLines: lines.length, logsRead: read.logs.size, pages: read.pages },
      mismatches,
      adjusted: [...adjusted].sort(),
      repair,
    },
  };
}

/** The report in a few numbers, as kept for the home page. */
export function summaryOf(report: ReconcileReport, at: number): ReconcileSummary {
  const byKind: Record<string, number> = {};
  for (const m of report.mismatches) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
  return {
    at: isoUtc(at),
    clean: report.mismatches.length === 0,
    mismatches: report.mismatches.length,
    byKind,
    repaired: report.repair === null ? null : { queued: report.repair.queued, archived: report.repair.archived },
  };
}

type Called<T> = { ok: true; value: T } | { ok: false; message: string };
type Caller = <T extends { readonly status: number }>(operation: string, call: () => Promise<T>) => Promise<Called<T>>;

/**
 * Each call through the shared limiter (attempt()), waiting and calling again while HubSpot or the
 * limit says wait, up to the run's total wait. Reconcile keeps its own backoff: a command run by a
 * person must not hold back the service's drains.
 */
function hubspotCaller(deps: ReconcileDeps): Caller {
  let failures = 0;
  let until = 0;
  const backoff: Backoff = {
    until: async () => until,
    fail: async (now, minMs = 0) => {
      failures++;
      until = now + Math.max(minMs, Math.min(60_000, 1_000 * 2 ** Math.min(6, failures - 1)));
      return until;
    },
    reset: async () => {
      failures = 0;
      until = 0;
    },
  };
  let waited = 0;
  const callDeps = { limiter: deps.limiter, backoff, clock: deps.clock, observer: deps.observer ?? NO_OBSERVER, log: deps.log };
  return async (operation, call) => {
    for (;;) {
      const result = await attempt(callDeps, operation, call);
      if (result.kind === 'ok') {
        await backoff.reset();
        return { ok: true, value: result.value };
      }
      if (result.kind === 'rejected') return { ok: false, message: result.error.message };
      const { reason, waitMs, message } = result.stop;
      if (!PASSING.has(reason)) return { ok: false, message };
      waited += waitMs;
      if (waited > (deps.maxWaitMs ?? DEFAULT_MAX_WAIT_MS)) return { ok: false, message: `gave up after waiting ${Math.round(waited / 1000)} s in all for HubSpot (${reason}: ${message})` };
      await deps.sleep(waitMs);
    }
  };
}

/** Every log record of the portal, page after page by HubSpot's cursor, keyed by outcome id. */
async function readLogs(deps: ReconcileDeps, caller: Caller, portalId: number): Promise<{ ok: true; logs: Map<string, LogRecord>; pages: number } | { ok: false; message: string }> {
  const logs = new Map<string, LogRecord>();
  const type = verificationLogObjectType(portalId);
  let after: string | null = null;
  let pages = 0;
  do {
    const cursor: string | null = after;
    const page: Called<LogPage> = await caller('list', () => deps.api.listPage(type, LOG_PROPERTIES, cursor));
    if (!page.ok) return { ok: false, message: `reading the verification log from HubSpot: ${page.message}` };
    pages++;
    for (const r of page.value.results) logs.set(r.properties.ob_outcome_id || `(log ${r.id} has no outcome id)`, r);
    after = page.value.after;
  } while (after !== null);
  return { ok: true, logs, pages };
}

/** Outcomes whose change after the period closed an adjustment line carries (frozen in a later snapshot, or on the open period now). */
function adjustedOutcomes(input: ReconcileInput): Set<string> {
  const ids = new Set<string>();
  for (const c of input.closed.values()) {
    for (const l of c.snapshot.lines) if (l.kind === 'adjustment' && l.adjusts.period === input.period) for (const id of l.outcomeIds) ids.add(id);
  }
  const rated = ratedLinesByPeriod(input.outcomes, input.criteria).get(input.period) ?? [];
  for (const l of adjustmentsFor(input.period, rated, input.closed)) for (const id of l.outcomeIds) ids.add(id);
  return ids;
}

/** Queues the write-backs that fix HubSpot's side, and archives logs that belong to no outcome. */
async function repairAll(deps: ReconcileDeps, caller: Caller, input: ReconcileInput, mismatches: readonly Mismatch[]): Promise<Called<NonNullable<ReconcileReport['repair']>>> {
  const byId = new Map(input.outcomes.map((o) => [o.outcomeId, o] as const));
  const requeue = new Map<string, Requeue>();
  const archive = new Set<string>();
  let notRepairable = 0;
  for (const m of mismatches) {
    const o = byId.get(m.outcomeId);
    if (m.repair === 'write_back' && o) requeue.set(m.outcomeId, { record: { portalId: input.portalId, objectType: o.objectType, recordId: o.recordId }, outcomeId: m.outcomeId, logId: m.logId });
    else if (m.repair === 'archive' && m.logId !== null) archive.add(m.logId);
    else notRepairable++;
  }
  const queued = await deps.repairs.requeue([...requeue.values()], deps.clock());
  const ids = [...archive];
  const type = verificationLogObjectType(input.portalId);
  for (let i = 0; i < ids.length; i += MAX_BATCH_INPUTS) {
    const batch = ids.slice(i, i + MAX_BATCH_INPUTS);
    const done = await caller('batch_archive', () => deps.api.archive(type, batch));
    if (!done.ok) return { ok: false, message: `archiving verification logs with no outcome: ${done.message} (${queued} write-backs were queued)` };
  }
  return { ok: true, value: { queued, archived: ids.length, notRepairable } };
}
