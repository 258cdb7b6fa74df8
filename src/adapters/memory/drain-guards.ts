// The drain guards in memory, with the Redis guards' semantics by an injected clock: a lock with a lease, and a backoff shared by whoever holds it.
import { randomUUID } from 'node:crypto';
import type { Backoff, DrainLock } from '../../app/hubspot-calls.ts';

/** As in Redis: a backoff nobody extended for a day is forgotten, failure count and all. */
const BACKOFF_TTL_MS = 24 * 3_600_000;

export interface MemoryClockOptions {
  /** The clock leases and expiries run by (Redis runs them by its own); Date.now by default. */
  readonly clock?: () => number;
}

/** One lock: every drain given this object shares it, as every process shares the Redis key. */
export function createMemoryDrainLock(options: MemoryClockOptions = {}): DrainLock {
  const clock = options.clock ?? Date.now;
  let held: { readonly token: string; readonly expiresAt: number } | null = null;
  const holder = () => (held !== null && held.expiresAt > clock() ? held : null);
  return {
    async take(ttlMs) {
      if (holder() !== null) return null;
      held = { token: randomUUID(), expiresAt: clock() + ttlMs };
      return held.token;
    },
    async release(token) {
      // Only the holder's own token: its lease may have run out and another drain taken the lock.
      if (holder()?.token === token) held = null;
    },
  };
}

export interface MemoryBackoffOptions extends MemoryClockOptions {
  /** First wait; each further failure doubles it. Default 1 s. */
  readonly baseMs?: number;
  /** Longest wait. Default 60 s. */
  readonly maxMs?: number;
}

export function createMemoryBackoff(options: MemoryBackoffOptions = {}): Backoff {
  const clock = options.clock ?? Date.now;
  const baseMs = options.baseMs ?? 1_000;
  const maxMs = options.maxMs ?? 60_000;
  let state: { failures: number; until: number; expiresAt: number } | null = null;
  const current = () => (state !== null && state.expiresAt > clock() ? state : null);
  return {
    async until() {
      return current()?.until ?? 0;
    },
    async fail(now, minMs = 0) {
      const failures = (current()?.failures ?? 0) + 1;
      const delay = Math.max(minMs, Math.min(maxMs, baseMs * 2 ** Math.min(30, failures - 1)));
      state = { failures, until: now + delay, expiresAt: clock() + BACKOFF_TTL_MS };
      return state.until;
    },
    async reset() {
      state = null;
    },
  };
}
