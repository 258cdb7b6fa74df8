// The shared HubSpot rate limit in memory, with the Redis script's window and block: for use-case tests that need no Redis.
import type { Grant, RateLimiter } from '../../app/hubspot-calls.ts';

export interface MemoryRateLimiterOptions {
  /** Calls allowed per window. */
  readonly max: number;
  /** Default 11 s: HubSpot's 10 s window and a second of margin, as the Redis limiter's default. */
  readonly windowMs?: number;
}

export interface MemoryRateLimiter extends RateLimiter {
  readonly max: number;
  readonly windowMs: number;
}

/**
 * One window: every drain given this object shares it, as every process shares the Redis keys. It
 * needs no clock of its own: each call brings its time, and the window is (now - windowMs, now].
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): MemoryRateLimiter {
  const { max } = options;
  const windowMs = options.windowMs ?? 11_000;
  /** Times of the calls counted, in ascending order. */
  let calls: number[] = [];
  let blockedUntil = 0;
  return {
    max,
    windowMs,
    async acquire(at): Promise<Grant> {
      // Whole milliseconds, as the Redis limiter sends them to its script.
      const now = Math.floor(at);
      if (blockedUntil > now) return { ok: false, waitMs: blockedUntil - now };
      calls = calls.filter((t) => t > now - windowMs);
      if (calls.length < max) {
        const i = calls.findIndex((t) => t > now);
        calls.splice(i === -1 ? calls.length : i, 0, now);
        return { ok: true };
      }
      return { ok: false, waitMs: Math.max(1, calls[0]! + windowMs - now) };
    },
    async blockUntil(until) {
      // A shorter block never shortens a longer one.
      blockedUntil = Math.max(blockedUntil, Math.ceil(until));
    },
  };
}
