// Wires the settings page's criteria calls: the published store, the publish request ids, the webhook file, the editors and resolvers.
import { webhooksFileReader } from '../adapters/files/webhooks-file.ts';
import { createPublishedCriteriaStore } from '../adapters/redis/published-criteria.ts';
import { createRedisPublishRequests } from '../adapters/redis/publish-requests.ts';
import type { VersionOrigins } from '../app/card-view.ts';
import type { CriteriaSettingsDeps } from '../app/criteria-settings.ts';
import type { Runtime } from './runtime.ts';

export function criteriaSettings(rt: Runtime): CriteriaSettingsDeps {
  const { fastRedis, config } = rt;
  return {
    store: createPublishedCriteriaStore(fastRedis, config.redisPrefix),
    requests: createRedisPublishRequests(fastRedis, config.redisPrefix),
    loaded: rt.criteria.sourced,
    refresh: async () => {
      await rt.criteria.refresh(rt.clock());
    },
    pauses: (portalId) => rt.store.pauses(portalId),
    editors: config.criteriaEditors,
    resolvers: config.disputeResolvers,
    subscriptions: webhooksFileReader(),
    clock: rt.clock,
  };
}

/** Who published each version, for the card's trail; a version not published in HubSpot comes from a file. */
export function versionOrigins(rt: Runtime): VersionOrigins {
  const store = createPublishedCriteriaStore(rt.fastRedis, rt.config.redisPrefix);
  return {
    async originOf(criteriaId, version) {
      const found = (await store.readAll()).find((p) => p.id === criteriaId && p.version === version);
      return found ? { publishedBy: found.publishedBy, publishedAt: found.publishedAt } : null;
    },
  };
}
