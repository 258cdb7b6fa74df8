// What the web and worker roles share once the process is up: configuration, logger, Redis, criteria, store, queue, metrics.
import type { Queue } from 'bullmq';
import type { RedisClient } from '../adapters/redis/connection.ts';
import type { CriteriaSource } from '../app/criteria-source.ts';
import type { createRecordScheduler } from '../adapters/queue/record-queue.ts';
import type { ErrorEvents } from '../adapters/logging/error-events.ts';
import type { Logger } from '../adapters/logging/logger.ts';
import type { Metrics } from '../adapters/metrics/metrics.ts';
import type { createRedisSignalStore } from '../adapters/redis/signal-store.ts';
import type { Config } from '../config/env.ts';

export interface Roles {
  readonly web: boolean;
  readonly worker: boolean;
}

export interface Runtime {
  readonly config: Config;
  readonly roles: Roles;
  readonly logger: Logger;
  /** Where every connection's, queue's and worker's `error` events are logged, one line each, rate-limited. */
  readonly errors: ErrorEvents;
  /** Fails fast while Redis is down (requests answer 503 and HubSpot retries). */
  readonly fastRedis: RedisClient;
  /** Waits for Redis instead: BullMQ workers must not give up on a blip. */
  readonly workerRedis: RedisClient;
  readonly criteria: CriteriaSource;
  /** The receiver's store, over `fastRedis`. */
  readonly store: ReturnType<typeof createRedisSignalStore>;
  readonly queue: Queue;
  readonly scheduler: ReturnType<typeof createRecordScheduler>;
  readonly metrics: Metrics;
  readonly clock: () => number;
}
