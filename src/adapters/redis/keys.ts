// Key names under REDIS_PREFIX and the hash slot each sits in on a Redis Cluster: one slot per portal, one for the deployment.

/**
 * `<prefix>:{<portal>}`: every key of one portal hashes by the portal id alone (Redis Cluster hashes a key
 * by its first `{...}`), so a script, MULTI or pipeline on one portal's keys stays in one slot while the
 * portals spread over the masters. The prefix holds no braces (src/config/redis-env.ts), so the tag is
 * always the portal's.
 */
export const portalTag = (prefix: string, portalId: number): string => `${prefix}:{${portalId}}`;

/**
 * `<prefix>:{<prefix>}`: the deployment-wide keys (the set of portals, published criteria, rate limiter,
 * locks, heartbeats, dead letters, parked records) and BullMQ's queue share this one slot. No call ever
 * mixes them with a portal's keys.
 */
export const deploymentTag = (prefix: string): string => `${prefix}:{${prefix}}`;

export const portalKey = (prefix: string, portalId: number, name: string): string => `${portalTag(prefix, portalId)}:${name}`;

export const deploymentKey = (prefix: string, name: string): string => `${deploymentTag(prefix)}:${name}`;

/** BullMQ's prefix: hash-tagged, as BullMQ needs on a cluster (every key of a queue in one slot). */
export const queuePrefix = deploymentTag;
