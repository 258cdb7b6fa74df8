// The web role: listening from the start, then the HTTP app over the receiver's store until shutdown, with a readiness probe fit for its role.
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import { answeredDisputes, criteriaSettings, resolversOf, versionOrigins } from './criteria-settings.ts';
import { createCardView, verificationLogIds } from '../app/card-view.ts';
import { overLimitFromLedger } from '../app/limit-marks.ts';
import type { CardView } from '../app/card-view.ts';
import { cardOutcome } from '../app/card-items.ts';
import { createBacktest } from '../app/backtest.ts';
import { createHomeView } from '../app/home-view.ts';
import type { HomeView } from '../app/home-view.ts';
import { pausedNowOf } from '../app/pause-log.ts';
import { ingestBatch } from '../app/ingest-batch.ts';
import { createOutcomeReader } from '../app/read-outcomes.ts';
import { submitAction } from '../app/submit-action.ts';
import { createHttpApp } from '../adapters/http/app.ts';
import type { HealthProbe, ReadinessCheck } from '../adapters/http/app.ts';
import { startingApp } from '../adapters/http/starting-app.ts';
import type { Logger } from '../adapters/logging/logger.ts';
import type { Metrics } from '../adapters/metrics/metrics.ts';
import { liveWorkers, oldestOverdueMs } from '../adapters/redis/heartbeat.ts';
import { createRedisAlertStore } from '../adapters/redis/alert-store.ts';
import { createRedisPeriodStore } from '../adapters/redis/period-store.ts';
import { createRedisReconcileResults } from '../adapters/redis/reconcile-results.ts';
import { UNVERIFIED_WINDOW_MS, recentUnverified } from '../adapters/redis/unverified-settlements.ts';
import { createRedisQuarantineStore } from '../adapters/redis/quarantine-store.ts';
import { createRedisWritebackStore } from '../adapters/redis/writeback-store.ts';
import type { Config } from '../config/env.ts';
import type { Runtime } from './runtime.ts';
import type { ShutdownStep } from './shutdown.ts';

/** Workers are "making progress" when one beat recently and no record is overdue by more than this. */
const STALE_WORKER_MS = 15_000;
const MAX_OVERDUE_MS = 120_000;

export interface WebGate {
  /** Hands every request from now on to the service's app. */
  serve(app: RequestListener): void;
  /** Stops taking requests and lets the open ones finish. */
  readonly close: ShutdownStep;
}

/**
 * Listens at once, before Redis answers: until `serve`, the starting app says the process is alive and
 * not ready, and refuses every other request with 503 (HubSpot retries), so an orchestrator sees a
 * service that waits for its Redis rather than one that hangs.
 */
export async function listenEarly(config: Config, logger: Logger, metrics: Metrics, waitingFor: () => string): Promise<WebGate> {
  let handler: RequestListener = startingApp({ logger, metrics, maxBodyBytes: config.maxBodyBytes, waitingFor });
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.info({ port: config.port }, 'receiver listening');
  return {
    serve(app) {
      handler = app;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** Builds the service's app over the store and hands the listening server's requests to it. */
export function startWeb(rt: Runtime, gate: WebGate): void {
  const { config, logger, store, scheduler } = rt;
  const onWakeError = (e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'stored signals not queued yet: the sweeper will wake their records');
  const actions = { store, scheduler, criteria: rt.criteria.current, clock: rt.clock, resolvers: config.disputeResolvers, resolversOf: resolversOf(rt), onWakeError };
  const quarantine = createRedisQuarantineStore(rt.fastRedis, config.redisPrefix, { maxEntries: config.quarantineMaxEntries, retentionMs: config.quarantineRetentionMs });
  const app = createHttpApp({
    config,
    ingest: (batch) => ingestBatch({ store, scheduler, quarantine, clock: rt.clock, onWakeError }, batch),
    reader: createOutcomeReader(store),
    quarantine,
    cards: cardView(rt),
    home: homeView(rt),
    backtest: createBacktest({ store, criteria: rt.criteria.current, retentionMs: config.signalRetentionMs, clock: rt.clock }),
    criteriaSettings: criteriaSettings(rt),
    health: readiness(rt),
    metrics: rt.metrics,
    logger,
    clock: rt.clock,
    submitAction: (request) => submitAction(actions, request),
    // A write's answer shows the outcome as the card lists it; the card reloads its list for the log link
    // and for canResolve, which the answer does not decide for the caller (docs/card-api.md).
    outcomeView: (outcome, portalId) => cardOutcome(outcome, rt.criteria.current(), portalId, null, false),
  });
  gate.serve(app);
  logger.info('receiver ready: Redis answers');
}

/** The card's reads: the receiver's store, the write-back's marks for the log links, the criteria in force. */
function cardView(rt: Runtime): CardView {
  return createCardView({
    store: rt.store,
    criteria: rt.criteria.current,
    logs: verificationLogIds(createRedisWritebackStore(rt.fastRedis, rt.config.redisPrefix)),
    paused: { pausedNow: async (portalId) => pausedNowOf(await rt.store.pauses(portalId)) },
    resolvers: rt.config.disputeResolvers,
    resolversOf: resolversOf(rt),
    answered: answeredDisputes(rt),
    origins: versionOrigins(rt),
    clock: rt.clock,
    overLimit: overLimitFromLedger(rt.store, rt.criteria.current),
  });
}

/**
 * The home page's read: the ledger, the criteria's budgets, the alerts fired, the closed periods and the reconciles in Redis.
 */
function homeView(rt: Runtime): HomeView {
  const { fastRedis, config } = rt;
  return createHomeView({
    store: rt.store,
    criteria: rt.criteria.current,
    periods: createRedisPeriodStore(fastRedis, config.redisPrefix),
    reconciles: createRedisReconcileResults(fastRedis, config.redisPrefix),
    budgetOf: (version) => version.budget,
    alerts: createRedisAlertStore(fastRedis, config.redisPrefix),
    clock: rt.clock,
  });
}

function readiness(rt: Runtime): HealthProbe {
  const { fastRedis, store, roles, clock } = rt;
  const prefix = rt.config.redisPrefix;
  return {
    async ready() {
      const now = clock();
      const redisOk = await fastRedis.ping().then(() => true, () => false);
      if (!redisOk) return { ok: false, checks: { redis: { ok: false, detail: 'unreachable' } } };
      const checks: Record<string, ReadinessCheck> = { redis: { ok: true } };
      // Only with a token are settlements verified by HubSpot reads at all.
      if (rt.config.hubspotAccessToken) checks['verification'] = await verificationCheck(rt, now);
      // A receiver can take webhooks whenever Redis can store them: its readiness must not hang on the
      // workers, or an orchestrator would stop the deliveries exactly when they are still safe to take.
      if (roles.worker) {
        const workers = await liveWorkers(fastRedis, prefix, now, STALE_WORKER_MS);
        const overdue = oldestOverdueMs(await store.oldestDueAt(), now - rt.config.signalHoldMs);
        checks['workers'] = { ok: workers > 0, detail: `${workers} worker process(es) beat in the last ${STALE_WORKER_MS / 1000} s` };
        checks['backlog'] = { ok: overdue <= MAX_OVERDUE_MS, detail: `oldest due record is ${Math.round(overdue / 1000)} s overdue` };
      }
      return { ok: Object.values(checks).every((c) => c.ok), checks };
    },
  };
}

/** Degraded while outcomes settled billable without their HubSpot read in the last hour (HubSpot reads timing out). */
async function verificationCheck(rt: Runtime, now: number): Promise<ReadinessCheck> {
  const count = await recentUnverified(rt.fastRedis, rt.config.redisPrefix, now);
  const window = `the last ${UNVERIFIED_WINDOW_MS / 60_000} min`;
  if (count === 0) return { ok: true, count, detail: `every outcome that settled billable in ${window} was verified by a HubSpot read` };
  return { ok: true, degraded: true, count, detail: `${count} outcome(s) settled billable on signals alone in ${window}: their HubSpot read did not come in time` };
}
