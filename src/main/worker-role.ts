// The worker role: BullMQ workers deciding records, the sweeper, the HubSpot drains and a heartbeat, closed in order on shutdown.
import { randomUUID } from 'node:crypto';
import type { UnverifiedSettlement } from '../app/crm-verification.ts';
import { processRecord } from '../app/process-record.ts';
import type { ProcessedResult } from '../app/process-record.ts';
import type { RecordRef, SignalStore } from '../app/ports.ts';
import { createLogRetention } from '../app/log-retention.ts';
import { sweep } from '../app/sweep.ts';
import { createRecordWorker, scheduleAlerts, scheduleHubSpotDrains, scheduleSweeper } from '../adapters/queue/record-queue.ts';
import { createCrmSnapshotStore } from '../adapters/redis/crm-snapshots.ts';
import { beat, forget } from '../adapters/redis/heartbeat.ts';
import { createRedisSignalStore } from '../adapters/redis/signal-store.ts';
import { noteUnverified } from '../adapters/redis/unverified-settlements.ts';
import { createLiveAlerts } from './alerts.ts';
import type { LiveAlerts } from './alerts.ts';
import { createHubSpotDrains } from './hubspot-drains.ts';
import type { HubSpotDrains } from './hubspot-drains.ts';
import type { Runtime } from './runtime.ts';
import { within } from './shutdown.ts';
import type { ShutdownStep } from './shutdown.ts';

const HEARTBEAT_MS = 2_000;
/** A record waiting for its HubSpot read looks again this often, and settles on signals alone after the longer wait. */
const CRM_WAIT_RETRY_MS = 500;
const CRM_MAX_WAIT_MS = 60_000;

/** Starts the workers and their schedules; the step it returns lets running jobs finish, then leaves. */
export async function startWorker(rt: Runtime): Promise<ShutdownStep> {
  const { config, logger, workerRedis, queue, clock } = rt;
  const prefix = config.redisPrefix;
  const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const store = createRedisSignalStore(workerRedis, prefix);
  const drains = hubspotDrains(rt);
  const alerts = createLiveAlerts(rt);
  // One per process: each process trims at most once a minute; trims by several at once are safe (each step is atomic).
  const logRetention = createLogRetention({
    store,
    clock,
    retentionMs: config.signalRetentionMs,
    onUnreadable: (portalId) => logger.error({ portalId }, "the portal log's oldest entry has no readable time: its trim stops there; look at the head of the log key"),
  });
  const worker = createRecordWorker(
    { connection: workerRedis, prefix, holdMs: config.signalHoldMs, clock, concurrency: config.workerConcurrency, lockDurationMs: config.workerLockMs, errors: rt.errors },
    {
      sweep: () =>
        sweep({
          store,
          scheduler: rt.scheduler,
          clock,
          holdMs: config.signalHoldMs,
          overdueMs: Math.max(5_000, 2 * config.sweepIntervalMs),
          onParked: (record, at) =>
            logger.error({ record, dueAt: at }, 'record parked after 20 rescues without progress: its jobs keep failing; fix the cause, then ZADD it back to the due index'),
          logRetention,
        }).then((result) => {
          if (result.logTrimmed) logger.info({ removed: result.logTrimmed, retentionMs: config.signalRetentionMs }, 'portal logs trimmed to the signal retention');
          return result;
        }),
      ...(drains ? { writeback: drains.writeback, crmRead: drains.crmRead } : {}),
      alerts: () => alerts.run(),
      process: recordProcessor(rt, store, alerts),
    },
  );
  worker.on('failed', (job, err) => logger.error({ jobId: job?.id, err: err.message }, 'job failed'));
  await scheduleSweeper(queue, config.sweepIntervalMs);
  await scheduleAlerts(queue, config.sweepIntervalMs);
  // In the background: on an existing deployment it reads every record once.
  void alerts.backfill();
  await scheduleHubSpotDrains(queue, drains ? { writebackEveryMs: config.writebackIntervalMs, crmReadEveryMs: config.crmReadIntervalMs } : null);
  await beat(workerRedis, prefix, workerId, clock());
  const heartbeat = setInterval(() => void beat(workerRedis, prefix, workerId, clock()).catch(() => undefined), HEARTBEAT_MS);
  logger.info({ workerId, concurrency: config.workerConcurrency }, 'worker started');
  // The worker's close is bounded so the shutdown's own limit is not reached by it alone (shutdown.ts, `within`).
  const closeMs = Math.max(1_000, config.shutdownTimeoutMs - 2_000);
  return async () => {
    clearInterval(heartbeat);
    await within(worker.close(), closeMs, () =>
      logger.warn({ closeMs }, 'the queue worker did not close in time (a job in hand, or its connection still reconnecting): going on; another worker runs any unfinished job again'),
    );
    await forget(workerRedis, prefix, workerId).catch(() => undefined);
  };
}

/** Without a token no HubSpot call is made at all: the drains are neither built nor scheduled. */
function hubspotDrains(rt: Runtime): HubSpotDrains | null {
  const { config } = rt;
  if (!config.hubspotAccessToken) return null;
  return createHubSpotDrains({
    redis: rt.workerRedis,
    prefix: config.redisPrefix,
    accessToken: config.hubspotAccessToken,
    apiBaseUrl: config.hubspotApiBaseUrl,
    burstLimit: config.hubspotBurstLimit,
    criteria: rt.criteria.current,
    clock: rt.clock,
    metrics: rt.metrics,
    logger: rt.logger,
  });
}

/** Decides one record's due work, logging and counting what changed. */
function recordProcessor(rt: Runtime, store: SignalStore, alerts: LiveAlerts) {
  const { config, logger, metrics } = rt;
  const crm = config.hubspotAccessToken ? { snapshots: createCrmSnapshotStore(rt.workerRedis, config.redisPrefix), maxWaitMs: CRM_MAX_WAIT_MS } : null;
  const deps = {
    store,
    scheduler: rt.scheduler,
    criteria: rt.criteria.current,
    clock: rt.clock,
    holdMs: config.signalHoldMs,
    pendingWriteDelayMs: config.writebackPendingDelayMs,
    writeBack: Boolean(config.hubspotAccessToken),
    disputeHorizonMs: config.disputeHorizonMs,
    // A version published a moment ago judges the signals from its effective time on (docs/decisions.md).
    beforePass: () => refreshCriteria(rt),
    ...(config.lateHorizonMs === undefined ? {} : { lateHorizonMs: config.lateHorizonMs }),
    ...(crm ? { crm } : {}),
  };
  return async (record: RecordRef) => {
    const stop = metrics.decisionDuration.startTimer();
    const result = await processRecord(deps, record);
    stop();
    if (result.kind === 'waiting_for_crm') return { retryInMs: CRM_WAIT_RETRY_MS };
    await reportUnverified(rt, record, result.unverified);
    await alerts.afterCommit(record, result.chargeChecks);
    metrics.signalsApplied.inc(result.applied);
    for (const r of result.refused) {
      // The action's dry run accepted it, so this should not happen; the refusal is kept in the portal's log too.
      logger.error({ record, action: { type: r.action.type, at: r.action.at, outcomeId: r.action.outcomeId, userId: r.action.by.userId }, refusal: r.error }, 'a stored action was refused when applied');
    }
    reportLate(rt, record, result);
    for (const o of result.changed) {
      logger.info({ outcomeId: o.outcomeId, status: o.status, reason: o.reason, version: o.criteriaVersion }, 'outcome changed');
    }
    return undefined;
  };
}

/** What a look finds is logged by the criteria source (compose.ts), whoever asked. */
async function refreshCriteria(rt: Runtime): Promise<void> {
  await rt.criteria.refresh(rt.clock());
}

/**
 * Late inputs: those replayed in their place, those past the horizon, and the outcomes they corrected.
 * Corrections are reported whenever there are some: inputs past the horizon, folded in at the record's
 * checkpoint, can correct outcomes with no input replayed in its place.
 */
export function reportLate({ logger, metrics }: Pick<Runtime, 'logger' | 'metrics'>, record: RecordRef, result: ProcessedResult): void {
  if (result.late.length > 0) {
    metrics.lateSignals.inc(result.late.length);
    logger.warn({ record, late: result.late.map((s) => ({ at: s.at, kind: s.kind, ref: s.ref })) }, TOO_LATE_MESSAGE);
  }
  for (const input of result.replayedLate) metrics.lateReplayed.inc({ input: 'kind' in input ? 'signal' : 'action' });
  const corrections = { changed: result.corrected, appeared: result.appeared, withdrawn: result.withdrawn };
  const corrected = Object.values(corrections).some((list) => list.length > 0);
  if (result.replayedLate.length === 0 && !corrected) return;
  for (const [change, list] of Object.entries(corrections)) if (list.length > 0) metrics.outcomeCorrections.inc({ change }, list.length);
  logger.warn(
    {
      record,
      late: result.replayedLate.map((i) => ({ at: i.at, input: 'kind' in i ? i.kind : i.type, ref: 'kind' in i ? i.ref : i.outcomeId })),
      ...Object.fromEntries(Object.entries(corrections).map(([change, list]) => [change, list.map((o) => ({ outcomeId: o.outcomeId, status: o.status }))])),
    },
    result.replayedLate.length > 0 ? 'late inputs replayed in event-time order' : 'outcomes corrected by inputs later than the late horizon',
  );
}

/** Folded in at the checkpoint's clock, not in their place: they may still change an outcome (then logged as a correction). */
const TOO_LATE_MESSAGE = 'signals later than the late horizon: applied at the record checkpoint, not in their place';

/**
 * One line per outcome that settled billable without its HubSpot read (ids and instant only, no property
 * values), counted in `ob_unverified_settlements_total` and noted in Redis for /readyz's degraded status.
 */
async function reportUnverified(rt: Runtime, record: RecordRef, unverified: readonly UnverifiedSettlement[]): Promise<void> {
  if (unverified.length === 0) return;
  for (const u of unverified) {
    rt.logger.warn(
      { record, outcomeId: u.outcomeId, settledAt: new Date(u.settledAt).toISOString(), maxWaitMs: CRM_MAX_WAIT_MS },
      'outcome settled billable on signals alone: its HubSpot read did not come in time',
    );
  }
  rt.metrics.unverifiedSettlements.inc(unverified.length);
  const notes = unverified.map((u) => ({ portalId: record.portalId, outcomeId: u.outcomeId }));
  // The settlement is committed: a failed note only leaves /readyz unaware, and the lines above say it all.
  await noteUnverified(rt.workerRedis, rt.config.redisPrefix, notes, rt.clock()).catch((e: unknown) =>
    rt.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not note unverified settlements for /readyz'),
  );
}
