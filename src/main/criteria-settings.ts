// Wires the settings page's criteria calls: the published store, the publish request ids, the webhook file, the editors and resolvers.
import { webhooksFileReader } from '../adapters/files/webhooks-file.ts';
import { createRedisAccessStore } from '../adapters/redis/access-store.ts';
import { accessOf } from '../app/access-lists.ts';
import { answeredIn } from '../app/criteria-disputes.ts';
import { portalOutcomes } from '../app/ledger-outcomes.ts';
import type { AccessDeps } from '../app/access-lists.ts';
import type { DisputeResolvers } from '../core/engine/users.ts';
import { createPublishedCriteriaStore } from '../adapters/redis/published-criteria.ts';
import { createRedisPublishRequests } from '../adapters/redis/publish-requests.ts';
import type { VersionOrigins } from '../app/card-view.ts';
import type { CriteriaSettingsDeps } from '../app/criteria-settings.ts';
import type { Runtime } from './runtime.ts';

export function criteriaSettings(rt: Runtime): CriteriaSettingsDeps {
  const { fastRedis, config } = rt;
  const requests = createRedisPublishRequests(fastRedis, config.redisPrefix);
  return {
    store: createPublishedCriteriaStore(fastRedis, config.redisPrefix),
    requests,
    access: { ...accessLists(rt), requests },
    loaded: rt.criteria.sourced,
    refresh: async () => {
      await rt.criteria.refresh(rt.clock());
    },
    pauses: (portalId) => rt.store.pauses(portalId),
    disputes: (portalId) => portalOutcomes(rt.store, portalId),
    editors: config.criteriaEditors,
    resolvers: config.disputeResolvers,
    subscriptions: webhooksFileReader(),
    clock: rt.clock,
  };
}

/** The editors and resolvers: the environment's, plus those the page added (stored per portal). */
function accessLists(rt: Runtime): Omit<AccessDeps, 'requests'> {
  return { env: { editors: rt.config.criteriaEditors, resolvers: rt.config.disputeResolvers }, store: createRedisAccessStore(rt.fastRedis, rt.config.redisPrefix) };
}

/** Who may resolve disputes and pause criteria in a portal now: read at each check, so a resolver added on the page acts at once. */
export function resolversOf(rt: Runtime): (portalId: number) => Promise<DisputeResolvers> {
  const lists = accessLists(rt);
  return async (portalId) => (await accessOf(lists, portalId)).resolvers;
}

/** Which version answers each disputed outcome of a portal, for the card. */
export function answeredDisputes(rt: Runtime): (portalId: number) => Promise<ReadonlyMap<string, { readonly criteriaId: string; readonly version: number }>> {
  const store = createPublishedCriteriaStore(rt.fastRedis, rt.config.redisPrefix);
  return async (portalId) => answeredIn(await store.readAll(), portalId);
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
