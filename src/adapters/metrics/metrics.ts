// Prometheus metrics of the live service, on a registry of its own so tests (and several apps in one process) never share counters.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HubSpotObserver } from '../../app/hubspot-calls.ts';

export interface MetricsOptions {
  /** Jobs per queue state (waiting, active, delayed, failed, ...), read at each scrape. */
  readonly queueCounts?: () => Promise<Record<string, number>>;
  /** Outcomes per status (open, in_review, billable, ...), read at each scrape. */
  readonly outcomeCounts?: () => Promise<Record<string, number>>;
  /** Work waiting for HubSpot (outbox, crm_read_requests, dead_letters), read at each scrape. */
  readonly hubspotBacklog?: () => Promise<Record<string, number>>;
  /** Node process metrics (CPU, memory, event loop, GC); default true. */
  readonly defaultMetrics?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** Webhook answers by HTTP status. */
  readonly webhookRequests: Counter<'status'>;
  /** Webhook requests refused, by reason: counted even when their events could not be (bad signature, unreadable body). */
  readonly webhookRejections: Counter<'reason'>;
  /** Webhook events by result; `duplicate` counts signals already stored by an earlier delivery, `quarantined` events kept aside by reason. */
  readonly webhookEvents: Counter<'result' | 'reason'>;
  readonly decisionDuration: Histogram<never>;
  readonly signalsApplied: Counter<never>;
  /** Signals older than their record's checkpoint (past the late horizon): folded in at its clock, marked `late`. */
  readonly lateSignals: Counter<never>;
  /** Late signals and actions (within the horizon) put in their place by a replay of their record. */
  readonly lateReplayed: Counter<'input'>;
  /** Outcomes a replay changed, by change: `changed`, `appeared`, `withdrawn`. */
  readonly outcomeCorrections: Counter<'change'>;
  /** Outcomes settled billable on signals alone because their HubSpot read did not come in time. */
  readonly unverifiedSettlements: Counter<never>;
  /** Budget alerts delivered (contract §8), by criteria id and threshold: each alert counted once, by the process that delivered it. */
  readonly budgetAlerts: Counter<'criteria_id' | 'threshold'>;
  readonly queueJobs: Gauge<'state'>;
  readonly outcomes: Gauge<'status'>;
  /** HubSpot calls by operation (batch_update, batch_upsert, associate, batch_read) and result (ok, partial, rate_limited, ...). */
  readonly hubspotCalls: Counter<'operation' | 'result'>;
  /** Inputs HubSpot took, by kind (record, verification_log, association). */
  readonly hubspotWrites: Counter<'kind'>;
  /** Writes HubSpot refused for good, by kind: each is in the dead-letter list and the logs. */
  readonly hubspotDeadLetters: Counter<'kind'>;
  /** Records read from HubSpot, by result (found, not_found). */
  readonly hubspotReads: Counter<'result'>;
  readonly hubspotBacklog: Gauge<'queue'>;
  /** A scrape-time callback failed (Redis unreachable): its gauge is left empty rather than stale. */
  readonly collectFailures: Counter<'gauge'>;
  readonly contentType: string;
  /** The exposition text for `/metrics`. */
  render(): Promise<string>;
}

/** A scrape must answer even when Redis hangs; Prometheus' own timeout is 10 s by default. */
const READ_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const budgetAlerts = new Counter({
    name: 'ob_budget_alerts_total',
    help: 'Budget alerts fired (contract §8), by criteria id and threshold (percent of expected); each once per portal, id, period and threshold across all workers.',
    labelNames: ['criteria_id', 'threshold'] as const,
    registers: [registry],
  });
  return { registry, budgetAlerts, ...eventCounters(registry), ...scrapeGauges(registry, options), contentType: registry.contentType, render: () => registry.metrics() };
}

type ScrapeGauges = Pick<Metrics, 'queueJobs' | 'outcomes' | 'hubspotBacklog' | 'collectFailures'>;

/** Gauges read at scrape time from the store and the queue, and the counter of reads that failed. */
function scrapeGauges(registry: Registry, options: MetricsOptions): ScrapeGauges {
  // The registry collects every metric at once; the collect hooks share one read per scrape, so a failure
  // is counted in the same scrape that shows its gauge empty, and the reads run once.
  let reading: Promise<void> | null = null;
  const collect = (): Promise<void> => {
    reading ??= Promise.all([
      fill(gauges.queueJobs, 'ob_queue_jobs', 'state', options.queueCounts),
      fill(gauges.outcomes, 'ob_outcomes', 'status', options.outcomeCounts),
      fill(gauges.hubspotBacklog, 'ob_hubspot_backlog', 'queue', options.hubspotBacklog),
    ]).then(
      () => {
        reading = null;
      },
      () => {
        reading = null;
      },
    );
    return reading;
  };
  const gauges: ScrapeGauges = {
    collectFailures: new Counter({
      name: 'ob_metrics_collect_failures_total',
      help: 'Scrape-time reads (queue depth, outcome counts) that failed; the gauge is then reported empty.',
      labelNames: ['gauge'] as const,
      registers: [registry],
      collect,
    }),
    queueJobs: new Gauge({ name: 'ob_queue_jobs', help: 'Jobs in the record queue, by state.', labelNames: ['state'] as const, registers: [registry], collect }),
    outcomes: new Gauge({ name: 'ob_outcomes', help: 'Outcomes in the ledger, by status.', labelNames: ['status'] as const, registers: [registry], collect }),
    hubspotBacklog: new Gauge({
      name: 'ob_hubspot_backlog',
      help: 'Work waiting for HubSpot: outbox (records with unwritten outcome changes), crm_read_requests, dead_letters (kept in Redis).',
      labelNames: ['queue'] as const,
      registers: [registry],
      collect,
    }),
  };

  async function fill<L extends string>(gauge: Gauge<L>, name: string, label: L, read: (() => Promise<Record<string, number>>) | undefined) {
    if (read === undefined) return;
    let counts: Record<string, number>;
    try {
      counts = await withTimeout(read(), READ_TIMEOUT_MS);
    } catch {
      // A failing read must not fail the scrape, and an old value must not pass for a current one.
      gauge.reset();
      gauges.collectFailures.inc({ gauge: name });
      return;
    }
    // Reset first: a state that has emptied must disappear, not keep its last value.
    gauge.reset();
    for (const [key, value] of Object.entries(counts)) {
      if (Number.isFinite(value)) gauge.set({ [label]: key } as Partial<Record<L, string>>, value);
    }
  }
  return gauges;
}

type EventCounters = Omit<Metrics, keyof ScrapeGauges | 'registry' | 'contentType' | 'render' | 'budgetAlerts'>;

/** Counters and the histogram the receiver, the workers and the HubSpot drains move as things happen. */
function eventCounters(registry: Registry): EventCounters {
  return {
    webhookRequests: new Counter({
      name: 'ob_webhook_requests_total',
      help: 'Webhook requests answered, by HTTP status.',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    webhookRejections: new Counter({
      name: 'ob_webhook_rejected_requests_total',
      help: 'Webhook requests refused, by reason (invalid_signature:<why>, payload_too_large, too_many_events, unsupported_media_type, bad_request, invalid_json, invalid_batch, store_unavailable, internal).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: 'ob_webhook_events_total',
      help: 'Webhook events: received (in a verified, parsed batch), accepted, ignored (by reason), quarantined (by reason: invalid_event, portal_conflict, future_event), rejected (by reason); duplicate counts signals already stored.',
      labelNames: ['result', 'reason'] as const,
      registers: [registry],
    }),
    decisionDuration: new Histogram({
      name: 'ob_decision_duration_seconds',
      help: 'Time to process one record: load, decide, commit.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    signalsApplied: new Counter({ name: 'ob_signals_applied_total', help: 'Signals applied to record state.', registers: [registry] }),
    ...lateCounters(registry),
    unverifiedSettlements: new Counter({ name: 'ob_unverified_settlements_total', help: 'Outcomes settled billable on signals alone: their HubSpot read did not come in time.', registers: [registry] }),
    hubspotCalls: new Counter({
      name: 'ob_hubspot_calls_total',
      help: 'HubSpot API calls by operation and result: ok, partial (207), rate_limited (429), server_error (5xx), unavailable (no answer), unexpected (unreadable 2xx), rejected (4xx), locked (423/477).',
      labelNames: ['operation', 'result'] as const,
      registers: [registry],
    }),
    hubspotWrites: new Counter({
      name: 'ob_hubspot_writes_total',
      help: 'Inputs HubSpot took, by kind: record (billing properties), verification_log, association.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    hubspotDeadLetters: new Counter({
      name: 'ob_hubspot_dead_letters_total',
      help: 'Writes HubSpot refused for good, by kind; each is in the dead-letter list and logged.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    hubspotReads: new Counter({
      name: 'ob_hubspot_reads_total',
      help: 'Records read from HubSpot for verification, by result: found, not_found.',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}

/** The drains' counters, on this registry. */
export function hubspotObserver(metrics: Metrics): HubSpotObserver {
  return {
    call: (operation, result) => metrics.hubspotCalls.inc({ operation, result }),
    written: (kind, n) => metrics.hubspotWrites.inc({ kind }, n),
    deadLettered: (kind, n) => metrics.hubspotDeadLetters.inc({ kind }, n),
    read: (result, n) => metrics.hubspotReads.inc({ result }, n),
  };
}

/** Late inputs: replayed in their place, the outcomes they corrected, and those past the horizon (docs/decisions.md, "Late signals"). */
function lateCounters(registry: Registry): Pick<Metrics, 'lateSignals' | 'lateReplayed' | 'outcomeCorrections'> {
  return {
    lateSignals: new Counter({
      name: 'ob_late_signals_total',
      help: 'Signals that arrived later than the late horizon: applied at their record\'s checkpoint, not in their place, marked late (outcomes they change count in ob_outcome_corrections_total).',
      registers: [registry],
    }),
    lateReplayed: new Counter({
      name: 'ob_late_replayed_total',
      help: 'Late signals and actions, by input, put in their event-time place by replaying their record from its checkpoint.',
      labelNames: ['input'] as const,
      registers: [registry],
    }),
    outcomeCorrections: new Counter({
      name: 'ob_outcome_corrections_total',
      help: 'Outcomes late inputs changed (replayed in their place or past the horizon), by change (changed, appeared, withdrawn); each has a corrected entry in its trail.',
      labelNames: ['change'] as const,
      registers: [registry],
    }),
  };
}
