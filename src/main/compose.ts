// The composition root: builds the receiver and/or the workers from the environment, waits for Redis, and wires shutdown.
import type { RedisClient } from '../adapters/redis/connection.ts';
import { CriteriaInvalidError, loadCriteriaSource } from '../app/criteria-source.ts';
import type { CriteriaSource, ReloadResult } from '../app/criteria-source.ts';
import { criteriaFileLoader } from '../adapters/files/criteria-files.ts';
import { createErrorEvents } from '../adapters/logging/error-events.ts';
import type { ErrorEvents } from '../adapters/logging/error-events.ts';
import { createLogger } from '../adapters/logging/logger.ts';
import type { Logger, LoggerOptions } from '../adapters/logging/logger.ts';
import { createMetrics } from '../adapters/metrics/metrics.ts';
import type { Metrics } from '../adapters/metrics/metrics.ts';
import { createRecordQueue, createRecordScheduler } from '../adapters/queue/record-queue.ts';
import { createCriteriaRegistry } from '../adapters/redis/criteria-registry.ts';
import { createPublishedCriteriaStore } from '../adapters/redis/published-criteria.ts';
import { registryLoader } from '../app/published-criteria.ts';
import { createFastRedis, createWorkerRedis, redisWhere, waitForRedis } from '../adapters/redis/connection.ts';
import { checkEvictionPolicy } from '../adapters/redis/eviction-policy.ts';
import { createRedisSignalStore } from '../adapters/redis/signal-store.ts';
import { formatConfigProblems, loadConfig, redactedConfig } from '../config/env.ts';
import type { Config } from '../config/env.ts';
import { hubspotBacklog } from './hubspot-drains.ts';
import type { Roles, Runtime } from './runtime.ts';
import { onShutdown } from './shutdown.ts';
import type { ShutdownStep } from './shutdown.ts';
import { listenEarly, startWeb } from './web-role.ts';
import { startWorker } from './worker-role.ts';
import { warnHorizonPastRetention } from './horizon-check.ts';

export interface StartOptions {
  /** Where log lines go instead of stdout's JSON lines: `npm run dev` pretty-prints them for a terminal. */
  readonly logDestination?: LoggerOptions['destination'];
}

/** The running service, for a caller in the same process (a test): `npm start` leaves it to the signals. */
export interface RunningService {
  /** Runs the shutdown steps a SIGTERM would, without exiting the process; rejects when a step failed. */
  stop(): Promise<void>;
}

export async function start(env: NodeJS.ProcessEnv, roles: Roles, options: StartOptions = {}): Promise<RunningService> {
  const config = configOrExit(env);
  const logger = createLogger({ level: config.logLevel, name: 'outcome-billing', destination: options.logDestination });
  logger.info({ config: redactedConfig(config), roles }, 'starting');
  if (!config.hubspotAccessToken) {
    logger.warn('HUBSPOT_ACCESS_TOKEN is not set: outcomes are ledgered but nothing is read from or written to HubSpot (nothing is queued for write-back; once a token is set, `reconcile --repair` queues what HubSpot misses)');
  }
  const errors = createErrorEvents(logger);
  const late: { rt: Runtime | null } = { rt: null };
  const metrics = serviceMetrics(late);
  // Shutdown is wired first: a SIGTERM while Redis is awaited stops the wait and closes what is open.
  const starting = new AbortController();
  const steps: ShutdownStep[] = [async () => starting.abort()];
  const control = shutdownControl(logger, config, steps);
  const where = redisWhere(config.redisUrl, config.redisClusterNodes);
  let waitingFor = where;
  const gate = roles.web ? await listenEarly(config, logger, metrics, () => waitingFor) : null;
  if (gate) steps.push(gate.close);
  const onAttempt = (attempt: number, reason: string) => {
    waitingFor = `${where} (attempt ${attempt}: ${reason})`;
  };
  if (!(await waitForRedis(config.redisUrl, { logger, signal: starting.signal, onAttempt, clusterNodes: config.redisClusterNodes }))) return control.running;
  const { fastRedis, workerRedis } = await connectRedis(config, logger, errors);
  const checkHorizon = () => warnHorizonPastRetention(config.lateHorizonMs, config.signalRetentionMs, criteria.current(), logger);
  const criteria = await criteriaOrExit(config, logger, workerRedis, (r) => {
    if (!r.ok) return logger.error({ problems: r.problems }, 'published criteria refused: keeping the criteria in force');
    logger.info({ added: r.added }, 'published criteria loaded');
    checkHorizon();
  });
  checkHorizon();
  const stopReloading = reloadOnSighup(criteria, logger, checkHorizon);
  const stopWatching = watchPublished(criteria, logger);
  const rt = runtime({ config, roles, logger, fastRedis, workerRedis, criteria, errors, metrics });
  late.rt = rt;
  if (gate) startWeb(rt, gate);
  if (roles.worker) steps.push(await startWorker(rt));
  steps.push(async () => {
    await rt.queue.close();
    await Promise.allSettled([fastRedis.quit(), workerRedis.quit()]);
  });
  control.onStop(stopReloading);
  control.onStop(stopWatching);
  return control.running;
}

interface ShutdownControl {
  readonly running: RunningService;
  /** Adds what stop() undoes besides the shutdown steps (listeners on the process). */
  onStop(undo: () => void): void;
}

/** Registers the signal handlers over `steps` (which grow as the service starts) and makes the caller's stop(). */
function shutdownControl(logger: Logger, config: Config, steps: readonly ShutdownStep[]): ShutdownControl {
  // A signal's shutdown exits the process; a caller's stop() only learns the exit code (null until it asks).
  let exitCode: number | null = null;
  const exit = (code: number) => {
    if (exitCode === null) process.exit(code);
    exitCode = code;
  };
  const shutdown = onShutdown(logger, config.shutdownTimeoutMs, steps, { exit });
  const undos: (() => void)[] = [];
  return {
    onStop: (undo) => undos.push(undo),
    running: {
      async stop() {
        exitCode = 0;
        shutdown.dispose();
        for (const undo of undos) undo();
        await shutdown.shutdown('stopped by its caller');
        if (exitCode !== 0) throw new Error('the service did not stop cleanly: see its log');
      },
    },
  };
}

function configOrExit(env: NodeJS.ProcessEnv): Config {
  const loaded = loadConfig(env);
  if (loaded.ok) return loaded.config;
  process.stderr.write(`outcome-billing cannot start: the environment has problems:\n${formatConfigProblems(loaded.problems)}\n`);
  process.exit(1);
}

/** The service's two connections, their errors logged; refuses to start on a Redis that may evict keys: an evicted signal is a lost outcome. */
async function connectRedis(config: Config, logger: Logger, errors: ErrorEvents): Promise<{ fastRedis: RedisClient; workerRedis: RedisClient }> {
  // Requests must fail fast while Redis is down (503, HubSpot retries); BullMQ workers must instead wait for it.
  const fastRedis = createFastRedis(config.redisUrl, config.redisClusterNodes);
  const workerRedis = createWorkerRedis(config.redisUrl, config.redisClusterNodes);
  errors.watch(fastRedis, 'redis:requests');
  errors.watch(workerRedis, 'redis:workers');
  const eviction = await checkEvictionPolicy(workerRedis);
  if (eviction.ok === false) {
    logger.fatal({ policy: eviction.policy }, 'Redis maxmemory-policy must be noeviction (an evicted signal is a lost outcome): not starting');
    process.exit(1);
  }
  if (eviction.ok === 'unknown') logger.warn({ reason: eviction.reason }, 'could not read Redis maxmemory-policy: make sure it is noeviction');
  return { fastRedis, workerRedis };
}

/** Loads the criteria, exiting when they are invalid. */
async function criteriaOrExit(config: Config, logger: Logger, redis: RedisClient, onRefreshed: (result: ReloadResult) => void): Promise<CriteriaSource> {
  try {
    const published = createPublishedCriteriaStore(redis, config.redisPrefix);
    const load = registryLoader(criteriaFileLoader(config.criteriaPath), published);
    return await loadCriteriaSource(load, Date.now(), createCriteriaRegistry(redis, config.redisPrefix), published.revision, onRefreshed);
  } catch (e) {
    if (!(e instanceof CriteriaInvalidError)) throw e;
    logger.fatal({ problems: e.problems }, 'criteria are invalid: not starting');
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}

/** Reloads the criteria on SIGHUP, keeping the old ones on a refusal; returns what stops listening. */
function reloadOnSighup(criteria: CriteriaSource, logger: Logger, onLoaded: () => void): () => void {
  const reload = () => {
    void criteria.reload(Date.now()).then((r) => {
      if (!r.ok) return logger.error({ problems: r.problems }, 'criteria reload refused: keeping the criteria in force');
      logger.info({ added: r.added }, 'criteria reloaded');
      onLoaded();
    });
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}

/** How often every process looks for newly published versions (workers also look before each job). */
const PUBLISHED_POLL_MS = 1_000;

/** Picks up versions published from HubSpot (docs/decisions.md, "Published criteria"); what a look finds is reported by the source itself; returns what stops looking. */
function watchPublished(criteria: CriteriaSource, logger: Logger): () => void {
  const look = () => {
    criteria.refresh(Date.now()).catch((e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not look for published criteria'));
  };
  const timer = setInterval(look, PUBLISHED_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

type Connected = Pick<Runtime, 'config' | 'roles' | 'logger' | 'fastRedis' | 'workerRedis' | 'criteria' | 'errors' | 'metrics'>;

/** The store, queue and scheduler both roles use. */
function runtime(c: Connected): Runtime {
  const prefix = c.config.redisPrefix;
  const holdMs = c.config.signalHoldMs;
  const clock = Date.now;
  const store = createRedisSignalStore(c.fastRedis, prefix);
  const queue = createRecordQueue({ connection: c.roles.worker ? c.workerRedis : c.fastRedis, prefix, holdMs, clock, errors: c.errors });
  const scheduler = createRecordScheduler(queue, { holdMs, clock });
  return { ...c, store, queue, scheduler, clock };
}

/** Made before Redis answers (the starting app serves /metrics); the gauges read the runtime once there is one. */
function serviceMetrics(late: { readonly rt: Runtime | null }): Metrics {
  const notYet = () => Promise.reject(new Error('waiting for Redis'));
  return createMetrics({
    queueCounts: () => (late.rt ? late.rt.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized') : notYet()),
    outcomeCounts: () => (late.rt ? late.rt.store.outcomeCounts() : notYet()),
    hubspotBacklog: () => (late.rt ? hubspotBacklog(late.rt.fastRedis, late.rt.config.redisPrefix) : notYet()),
  });
}
