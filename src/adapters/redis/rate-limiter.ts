// The global HubSpot rate limit on Redis: one sliding window of calls shared by every process, sized to the app's burst limit with a safety margin.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './connection.ts';
import type { Grant, RateLimiter } from '../../app/hubspot-calls.ts';
import { SCRIPTS, runScript } from './scripts.ts';
import { deploymentKey } from './keys.ts';

/** The burst limits HubSpot gives a privately distributed app, per 10 s: Free/Starter, Professional/Enterprise, with the API limit increase. */
export const HUBSPOT_BURST_LIMITS = [100, 190, 250] as const;
export type HubSpotBurstLimit = (typeof HUBSPOT_BURST_LIMITS)[number];

/** HubSpot's rolling window (`X-HubSpot-RateLimit-Interval-Milliseconds`). */
export const HUBSPOT_INTERVAL_MS = 10_000;

/**
 * The safety margin, on both sides of the count:
 * - calls: 90 % of the burst limit (90, 171, 225). The rest is left for calls this limiter does not see
 *   (`outcome-billing hubspot setup`, anything else using the app's token) and for the one call per
 *   process that may already be on its way when a window fills.
 * - time: the window is 11 s, not 10 s. We count a call when it leaves, HubSpot when it arrives; with up
 *   to 1 s of difference in network latency between calls, any 10 s of HubSpot's clock lies inside 11 s
 *   of ours, so HubSpot never sees more than the budget in its window. Process clocks must agree to
 *   well under a second (NTP), since each process stamps its own calls.
 * A 429 is still handled (every process waits as HubSpot says), but should not happen.
 */
export const CALL_BUDGET_SHARE = 0.9;
export const LIMIT_WINDOW_MS = HUBSPOT_INTERVAL_MS + 1_000;

export function callBudget(burstLimit: number): number {
  return Math.max(1, Math.floor(burstLimit * CALL_BUDGET_SHARE));
}

/** A block outlives any Retry-After HubSpot gives (the daily limit resets within a day). */
const BLOCK_KEY_TTL_MS = 25 * 3_600_000;

export interface RateLimiterOptions {
  /** The app's burst limit per 10 s; the budget is `callBudget(burstLimit)`. Default 100. */
  readonly burstLimit?: number;
  /** Overrides the budget (tests). */
  readonly max?: number;
  /** Overrides the window (tests). */
  readonly windowMs?: number;
}

export interface RedisRateLimiter extends RateLimiter {
  readonly max: number;
  readonly windowMs: number;
}

export function createRedisRateLimiter(redis: RedisClient, prefix: string, options: RateLimiterOptions = {}): RedisRateLimiter {
  const calls = deploymentKey(prefix, 'hubspot:calls');
  const blocked = deploymentKey(prefix, 'hubspot:blocked-until');
  const max = options.max ?? callBudget(options.burstLimit ?? 100);
  const windowMs = options.windowMs ?? LIMIT_WINDOW_MS;
  return {
    max,
    windowMs,
    async acquire(now): Promise<Grant> {
      const reply = await runScript(redis, SCRIPTS.rateLimit, [calls, blocked], ['acquire', Math.floor(now), windowMs, max, randomUUID()]);
      return reply.ok ? { ok: true } : { ok: false, waitMs: reply.waitMs };
    },
    async blockUntil(until) {
      await runScript(redis, SCRIPTS.rateLimit, [calls, blocked], ['block', Math.ceil(until), BLOCK_KEY_TTL_MS]);
    },
  };
}
