// Wires the HubSpot drains (write-back and CRM reads) from the configuration: one client, one shared limiter, their Redis guards, logs and metrics.
import type { RedisClient } from '../adapters/redis/connection.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { drainCrmReads } from '../app/crm-reader.ts';
import type { CrmReadReport } from '../app/crm-reader.ts';
import { overLimitFromLedger } from '../app/limit-marks.ts';
import { drainWriteback } from '../app/writeback.ts';
import type { WritebackReport } from '../app/writeback.ts';
import { createHubSpotRequest } from '../adapters/hubspot/client.ts';
import { createCrmApi } from '../adapters/hubspot/crm-api.ts';
import type { Logger } from '../adapters/logging/logger.ts';
import { hubspotObserver } from '../adapters/metrics/metrics.ts';
import type { Metrics } from '../adapters/metrics/metrics.ts';
import { createCrmSnapshotStore } from '../adapters/redis/crm-snapshots.ts';
import { createRedisBackoff, createRedisDrainLock } from '../adapters/redis/drain-guards.ts';
import { createRedisRateLimiter } from '../adapters/redis/rate-limiter.ts';
import { createRedisSignalStore } from '../adapters/redis/signal-store.ts';
import { createRedisWritebackStore } from '../adapters/redis/writeback-store.ts';
import { deploymentKey } from '../adapters/redis/keys.ts';

export interface HubSpotDrainSettings {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly accessToken: string;
  readonly apiBaseUrl: string;
  readonly burstLimit: number;
  readonly criteria: () => CriteriaSet;
  readonly clock: () => number;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface HubSpotDrains {
  writeback(): Promise<WritebackReport>;
  crmRead(): Promise<CrmReadReport>;
}

export function createHubSpotDrains(s: HubSpotDrainSettings): HubSpotDrains {
  const api = createCrmApi(createHubSpotRequest({ accessToken: s.accessToken, baseUrl: s.apiBaseUrl }));
  // One limiter for both drains: HubSpot counts every call of the app against the same burst limit.
  const limiter = createRedisRateLimiter(s.redis, s.prefix, { burstLimit: s.burstLimit });
  const common = { limiter, clock: s.clock, observer: hubspotObserver(s.metrics), log: s.logger, api, criteria: s.criteria };
  return {
    async writeback() {
      const report = await drainWriteback({
        ...common,
        store: createRedisWritebackStore(s.redis, s.prefix),
        lock: createRedisDrainLock(s.redis, deploymentKey(s.prefix, 'writeback:lock')),
        backoff: createRedisBackoff(s.redis, deploymentKey(s.prefix, 'writeback:backoff')),
        overLimit: overLimitFromLedger(createRedisSignalStore(s.redis, s.prefix), s.criteria),
      });
      if (report.calls > 0) s.logger.debug({ writeback: report }, 'write-back drained');
      return report;
    },
    async crmRead() {
      const report = await drainCrmReads({
        ...common,
        snapshots: createCrmSnapshotStore(s.redis, s.prefix),
        lock: createRedisDrainLock(s.redis, deploymentKey(s.prefix, 'crm-read:lock')),
        backoff: createRedisBackoff(s.redis, deploymentKey(s.prefix, 'crm-read:backoff')),
      });
      if (report.calls > 0) s.logger.debug({ crmRead: report }, 'CRM reads answered');
      return report;
    },
  };
}

/** For `ob_hubspot_backlog`: what waits for HubSpot, read at each scrape. */
export async function hubspotBacklog(redis: RedisClient, prefix: string): Promise<Record<string, number>> {
  const store = createRedisWritebackStore(redis, prefix);
  const [outbox, requests, deadLetters] = await Promise.all([store.outboxSize(), createCrmSnapshotStore(redis, prefix).waiting(), redis.llen(store.keys.deadLetters)]);
  return { outbox, crm_read_requests: requests, dead_letters: deadLetters };
}
