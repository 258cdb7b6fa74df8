// The composition root: builds the receiver and/or the workers from the environment, and wires shutdown.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { CriteriaInvalidError, loadCriteriaSource } from '../app/criteria-source.ts';
import { ingestBatch } from '../app/ingest-batch.ts';
import { processRecord } from '../app/process-record.ts';
import { createOutcomeReader } from '../app/read-outcomes.ts';
import { sweep } from '../app/sweep.ts';
import { createHttpApp } from '../adapters/http/app.ts';
import { createLogger } from '../adapters/logging/logger.ts';
import { createMetrics } from '../adapters/metrics/metrics.ts';
import { createRecordQueue, createRecordScheduler, createRecordWorker, scheduleHubSpotDrains, scheduleSweeper } from '../adapters/queue/record-queue.ts';
import { createCrmSnapshotStore } from '../adapters/redis/crm-snapshots.ts';
import { createCriteriaRegistry } from '../adapters/redis/criteria-registry.ts';
import { checkEvictionPolicy } from '../adapters/redis/eviction-policy.ts';
import { beat, forget, liveWorkers, oldestOverdueMs } from '../adapters/redis/heartbeat.ts';
import { createRedisSignalStore } from '../adapters/redis/signal-store.ts';
import { formatConfigProblems, loadConfig, redactedConfig } from '../config/env.ts';
import { createHubSpotDrains, hubspotBacklog } from './hubspot-drains.ts';
import { onShutdown } from './shutdown.ts';

export interface Roles {
  readonly web: boolean;
  readonly worker: boolean;
}

const HEARTBEAT_MS = 2_000;
/** Workers are "making progress" when one beat recently and no record is overdue by more than this. */
const STALE_WORKER_MS = 15_000;
const MAX_OVERDUE_MS = 120_000;
/** A record waiting for its HubSpot read looks again this often, and settles on signals alone after the longer wait. */
const CRM_WAIT_RETRY_MS = 500;
const CRM_MAX_WAIT_MS = 60_000;

export async function start(env: NodeJS.ProcessEnv, roles: Roles): Promise<void> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    process.stderr.write(`outcome-billing cannot start: the environment has problems:\n${formatConfigProblems(loaded.problems)}\n`);
    process.exit(1);
  }
  const config = loaded.config;
  const logger = createLogger({ level: config.logLevel, name: 'outcome-billing' });
  logger.info({ config: redactedConfig(config), roles }, 'starting');
  if (!config.hubspotAccessToken) {
    logger.warn('HUBSPOT_ACCESS_TOKEN is not set: outcomes are ledgered but nothing is read from or written to HubSpot (changed records wait in the outbox until a token is set)');
  }

  // Requests must fail fast while Redis is down (503, HubSpot retries); BullMQ workers must instead wait for it.
  const fastRedis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  const workerRedis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  for (const r of [fastRedis, workerRedis]) r.on('error', (e) => logger.warn({ err: e.message }, 'redis connection error'));
  const eviction = await checkEvictionPolicy(workerRedis);
  if (eviction.ok === false) {
    logger.fatal({ policy: eviction.policy }, 'Redis maxmemory-policy must be noeviction (an evicted signal is a lost outcome): not starting');
    process.exit(1);
  }
  if (eviction.ok === 'unknown') logger.warn({ reason: eviction.reason }, 'could not read Redis maxmemory-policy: make sure it is noeviction');
  let criteria;
  try {
    criteria = await loadCriteriaSource(config.criteriaPath, Date.now(), createCriteriaRegistry(workerRedis, config.redisPrefix));
  } catch (e) {
    if (!(e instanceof CriteriaInvalidError)) throw e;
    logger.fatal({ problems: e.problems }, 'criteria are invalid: not starting');
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.on('SIGHUP', () => {
    void criteria.reload(Date.now()).then((r) =>
      r.ok ? logger.info({ added: r.added }, 'criteria reloaded') : logger.error({ problems: r.problems }, 'criteria reload refused: keeping the criteria in force'),
    );
  });

  const prefix = config.redisPrefix;
  const holdMs = config.signalHoldMs;
  const clock = Date.now;
  const store = createRedisSignalStore(fastRedis, prefix);
  const queue = createRecordQueue({ connection: roles.worker ? workerRedis : fastRedis, prefix, holdMs, clock });
  const scheduler = createRecordScheduler(queue, { holdMs, clock });
  const metrics = createMetrics({
    queueCounts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
    outcomeCounts: () => store.outcomeCounts(),
    hubspotBacklog: () => hubspotBacklog(fastRedis, prefix),
  });

  const steps: (() => Promise<void>)[] = [];
  if (roles.web) {
    const app = createHttpApp({
      config,
      ingest: (body) =>
        ingestBatch({ store, scheduler, onWakeError: (e) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'stored signals not queued yet: the sweeper will wake their records') }, body),
      reader: createOutcomeReader(store),
      health: {
        async ready() {
          const now = clock();
          const redisOk = await fastRedis.ping().then(() => true, () => false);
          if (!redisOk) return { ok: false, checks: { redis: { ok: false, detail: 'unreachable' } } };
          // A receiver can take webhooks whenever Redis can store them: its readiness must not hang on the
          // workers, or an orchestrator would stop the deliveries exactly when they are still safe to take.
          if (!roles.worker) return { ok: true, checks: { redis: { ok: true } } };
          const workers = await liveWorkers(fastRedis, prefix, now, STALE_WORKER_MS);
          const overdue = await oldestOverdueMs(fastRedis, store.keys.due, now - holdMs);
          const checks = {
            redis: { ok: true },
            workers: { ok: workers > 0, detail: `${workers} worker process(es) beat in the last ${STALE_WORKER_MS / 1000} s` },
            backlog: { ok: overdue <= MAX_OVERDUE_MS, detail: `oldest due record is ${Math.round(overdue / 1000)} s overdue` },
          };
          return { ok: Object.values(checks).every((c) => c.ok), checks };
        },
      },
      metrics,
      logger,
      clock,
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(config.port, () => resolve(s));
    });
    logger.info({ port: config.port }, 'receiver listening');
    steps.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
  }

  if (roles.worker) {
    const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
    const workerStore = createRedisSignalStore(workerRedis, prefix);
    const crm = config.hubspotAccessToken ? { snapshots: createCrmSnapshotStore(workerRedis, prefix), maxWaitMs: CRM_MAX_WAIT_MS } : null;
    // Without a token no HubSpot call is made at all: the drains are neither built nor scheduled.
    const drains = config.hubspotAccessToken
      ? createHubSpotDrains({
          redis: workerRedis,
          prefix,
          accessToken: config.hubspotAccessToken,
          apiBaseUrl: config.hubspotApiBaseUrl,
          burstLimit: config.hubspotBurstLimit,
          criteria: criteria.current,
          clock,
          metrics,
          logger,
        })
      : null;
    const worker = createRecordWorker(
      { connection: workerRedis, prefix, holdMs, clock, concurrency: config.workerConcurrency, lockDurationMs: config.workerLockMs },
      {
        sweep: () =>
          sweep({
            store: workerStore,
            scheduler,
            clock,
            holdMs,
            overdueMs: Math.max(5_000, 2 * config.sweepIntervalMs),
            onParked: (record, at) =>
              logger.error({ record, dueAt: at }, 'record parked after 20 rescues without progress: its jobs keep failing; fix the cause, then ZADD it back to the due index'),
          }),
        ...(drains ? { writeback: drains.writeback, crmRead: drains.crmRead } : {}),
        process: async (record) => {
          const stop = metrics.decisionDuration.startTimer();
          const result = await processRecord({ store: workerStore, scheduler: scheduler, criteria: criteria.current, clock, holdMs, pendingWriteDelayMs: config.writebackPendingDelayMs, ...(crm ? { crm } : {}) }, record);
          stop();
          if (result.kind === 'waiting_for_crm') return { retryInMs: CRM_WAIT_RETRY_MS };
          if (result.unverified.length > 0) logger.warn({ record, at: result.unverified }, 'settled on signals alone: the HubSpot read did not come in time');
          metrics.signalsApplied.inc(result.applied);
          if (result.late.length > 0) {
            metrics.lateSignals.inc(result.late.length);
            logger.warn({ record, late: result.late.map((s) => ({ at: s.at, kind: s.kind, ref: s.ref })) }, 'late signals recorded: they changed no settled outcome');
          }
          for (const o of result.changed) {
            logger.info({ outcomeId: o.outcomeId, status: o.status, reason: o.reason, version: o.criteriaVersion }, 'outcome changed');
          }
          return undefined;
        },
      },
    );
    worker.on('failed', (job, err) => logger.error({ jobId: job?.id, err: err.message }, 'job failed'));
    await scheduleSweeper(queue, config.sweepIntervalMs);
    await scheduleHubSpotDrains(queue, drains ? { writebackEveryMs: config.writebackIntervalMs, crmReadEveryMs: config.crmReadIntervalMs } : null);
    await beat(workerRedis, prefix, workerId, clock());
    const heartbeat = setInterval(() => void beat(workerRedis, prefix, workerId, clock()).catch(() => undefined), HEARTBEAT_MS);
    logger.info({ workerId, concurrency: config.workerConcurrency }, 'worker started');
    steps.push(async () => {
      clearInterval(heartbeat);
      await worker.close();
      await forget(workerRedis, prefix, workerId).catch(() => undefined);
    });
  }
  steps.push(async () => {
    await queue.close();
    await Promise.allSettled([fastRedis.quit(), workerRedis.quit()]);
  });
  onShutdown(logger, config.shutdownTimeoutMs, steps);
}
