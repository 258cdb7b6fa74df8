// The web role: the HTTP app over the receiver's store, listening until shutdown, with a readiness probe fit for its role.
import type { Server } from 'node:http';
import { createCardView, verificationLogIds } from '../app/card-view.ts';
import type { CardView } from '../app/card-view.ts';
import { cardOutcome } from '../app/card-items.ts';
import { pausedNowOf } from '../app/pause-log.ts';
import { ingestBatch } from '../app/ingest-batch.ts';
import { createOutcomeReader } from '../app/read-outcomes.ts';
import { submitAction } from '../app/submit-action.ts';
import { createHttpApp } from '../adapters/http/app.ts';
import type { HealthProbe } from '../adapters/http/app.ts';
import { liveWorkers, oldestOverdueMs } from '../adapters/redis/heartbeat.ts';
import { createRedisQuarantineStore } from '../adapters/redis/quarantine-store.ts';
import { createRedisWritebackStore } from '../adapters/redis/writeback-store.ts';
import type { Runtime } from './runtime.ts';
import type { ShutdownStep } from './shutdown.ts';

/** Workers are "making progress" when one beat recently and no record is overdue by more than this. */
const STALE_WORKER_MS = 15_000;
const MAX_OVERDUE_MS = 120_000;

/** Starts listening; the step it returns stops taking requests and lets the open ones finish. */
export async function startWeb(rt: Runtime): Promise<ShutdownStep> {
  const { config, logger, store, scheduler } = rt;
  const onWakeError = (e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'stored signals not queued yet: the sweeper will wake their records');
  const actions = { store, scheduler, criteria: rt.criteria.current, clock: rt.clock, resolvers: config.disputeResolvers, onWakeError };
  const quarantine = createRedisQuarantineStore(rt.fastRedis, config.redisPrefix, { maxEntries: config.quarantineMaxEntries, retentionMs: config.quarantineRetentionMs });
  const app = createHttpApp({
    config,
    ingest: (batch) => ingestBatch({ store, scheduler, quarantine, clock: rt.clock, onWakeError }, batch),
    reader: createOutcomeReader(store),
    quarantine,
    cards: cardView(rt),
    health: readiness(rt),
    metrics: rt.metrics,
    logger,
    clock: rt.clock,
    submitAction: (request) => submitAction(actions, request),
    // A write's answer shows the outcome as the card lists it; the card reloads its list for the log link
    // and for canResolve, which the answer does not decide for the caller (docs/card-api.md).
    outcomeView: (outcome, portalId) => cardOutcome(outcome, rt.criteria.current(), portalId, null, false),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, () => resolve(s));
  });
  logger.info({ port: config.port }, 'receiver listening');
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
}

/** The card's reads: the receiver's store, the write-back's marks for the log links, the criteria in force. */
function cardView(rt: Runtime): CardView {
  return createCardView({
    store: rt.store,
    criteria: rt.criteria.current,
    logs: verificationLogIds(createRedisWritebackStore(rt.fastRedis, rt.config.redisPrefix)),
    paused: { pausedNow: async (portalId) => pausedNowOf(await rt.store.pauses(portalId)) },
    resolvers: rt.config.disputeResolvers,
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
      // A receiver can take webhooks whenever Redis can store them: its readiness must not hang on the
      // workers, or an orchestrator would stop the deliveries exactly when they are still safe to take.
      if (!roles.worker) return { ok: true, checks: { redis: { ok: true } } };
      const workers = await liveWorkers(fastRedis, prefix, now, STALE_WORKER_MS);
      const overdue = await oldestOverdueMs(fastRedis, store.keys.due, now - rt.config.signalHoldMs);
      const checks = {
        redis: { ok: true },
        workers: { ok: workers > 0, detail: `${workers} worker process(es) beat in the last ${STALE_WORKER_MS / 1000} s` },
        backlog: { ok: overdue <= MAX_OVERDUE_MS, detail: `oldest due record is ${Math.round(overdue / 1000)} s overdue` },
      };
      return { ok: Object.values(checks).every((c) => c.ok), checks };
    },
  };
}
