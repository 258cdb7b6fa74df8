// One conformance suite for the drain guards (DrainLock, Backoff, RateLimiter): the Redis guards and the in-memory ones must both pass it.
import { afterAll, describe, expect, it } from 'vitest';
import type { Backoff, DrainLock, RateLimiter } from '../../src/app/hubspot-calls.ts';

/** Two handles on one guard, as two processes have (two connections on Redis; in memory, one object shared). */
type Pair<T> = readonly [T, T];

export interface DrainGuardsFactory {
  /** A new lock, free. */
  lock(): Promise<Pair<DrainLock>>;
  /** A new backoff, clear. */
  backoff(options?: { readonly baseMs?: number; readonly maxMs?: number }): Promise<Pair<Backoff>>;
  /** A new limiter, with an empty window. */
  limiter(options: { readonly max: number; readonly windowMs: number }): Promise<Pair<RateLimiter>>;
  /** Lets `ms` pass on the clock a lock's lease runs by (Redis's own: real time; in memory, the injected clock). */
  elapse(ms: number): Promise<void>;
  cleanup?(): Promise<void>;
}

const T = 1_793_700_000_000;

export function describeDrainGuards(name: string, factory: DrainGuardsFactory): void {
  describe(`drain guards conformance: ${name}`, () => {
    afterAll(async () => factory.cleanup?.());
    describeLock(factory);
    describeBackoff(factory);
    describeLimiter(factory);
  });
}

function describeLock(factory: DrainGuardsFactory): void {
  describe('DrainLock', () => {
    it('is held by one process at a time, and only the holder’s token releases it', async () => {
      const [one, two] = await factory.lock();
      const token = await one.take(60_000);
      expect(typeof token).toBe('string');
      expect(await two.take(60_000)).toBeNull();
      expect(await one.take(60_000)).toBeNull();
      await two.release('not-the-token');
      expect(await two.take(60_000)).toBeNull();
      await one.release(token!);
      const next = await two.take(60_000);
      expect(next).not.toBeNull();
      expect(next).not.toBe(token);
    });

    it('lets another process take it once the lease runs out; the old holder’s release then frees nothing', async () => {
      const [one, two] = await factory.lock();
      const stale = await one.take(300);
      await factory.elapse(20);
      expect(await two.take(300)).toBeNull();
      await factory.elapse(400);
      const token = await two.take(60_000);
      expect(token).not.toBeNull();
      await one.release(stale!);
      expect(await one.take(60_000)).toBeNull();
      await two.release(token!);
      expect(await one.take(60_000)).not.toBeNull();
    });
  });
}

function describeBackoff(factory: DrainGuardsFactory): void {
  describe('Backoff', () => {
    it('doubles the wait from the base with each failure up to the longest, and starts over after a reset', async () => {
      const [backoff] = await factory.backoff({ baseMs: 100, maxMs: 500 });
      expect(await backoff.until()).toBe(0);
      expect(await backoff.fail(T)).toBe(T + 100);
      expect(await backoff.until()).toBe(T + 100);
      expect(await backoff.fail(T + 1_000)).toBe(T + 1_200);
      expect(await backoff.fail(T + 2_000)).toBe(T + 2_400);
      expect(await backoff.fail(T + 3_000)).toBe(T + 3_500);
      expect(await backoff.fail(T + 4_000)).toBe(T + 4_500);
      // The time set stays until the next failure or reset, even once past.
      expect(await backoff.until()).toBe(T + 4_500);
      await backoff.reset();
      expect(await backoff.until()).toBe(0);
      expect(await backoff.fail(T + 5_000)).toBe(T + 5_100);
    });

    it('waits at least the minimum a failure asks for, even past the longest wait; the defaults are 1 s and 60 s', async () => {
      const [backoff] = await factory.backoff();
      expect(await backoff.fail(T, 5_000)).toBe(T + 5_000);
      expect(await backoff.fail(T)).toBe(T + 2_000);
      for (let i = 0; i < 10; i++) await backoff.fail(T);
      expect(await backoff.fail(T)).toBe(T + 60_000);
      expect(await backoff.fail(T, 120_000)).toBe(T + 120_000);
    });

    it('is shared: one process’s failures and reset are the other’s', async () => {
      const [one, two] = await factory.backoff();
      await one.fail(T);
      expect(await two.until()).toBe(T + 1_000);
      expect(await two.fail(T)).toBe(T + 2_000);
      expect(await one.until()).toBe(T + 2_000);
      await two.reset();
      expect(await one.until()).toBe(0);
    });
  });
}

function describeLimiter(factory: DrainGuardsFactory): void {
  describe('RateLimiter', () => {
    it('grants max calls in any window (now - window, now], and tells a refused call when the oldest leaves', async () => {
      const [limiter] = await factory.limiter({ max: 2, windowMs: 1_000 });
      expect(await limiter.acquire(T)).toEqual({ ok: true });
      expect(await limiter.acquire(T + 100)).toEqual({ ok: true });
      expect(await limiter.acquire(T + 400)).toEqual({ ok: false, waitMs: 600 });
      expect(await limiter.acquire(T + 999)).toEqual({ ok: false, waitMs: 1 });
      // A call made at t counts until t + window; a refused call counts for nothing.
      expect(await limiter.acquire(T + 1_000)).toEqual({ ok: true });
      expect(await limiter.acquire(T + 1_000)).toEqual({ ok: false, waitMs: 100 });
      expect(await limiter.acquire(T + 1_100)).toEqual({ ok: true });
      expect(await limiter.acquire(T + 1_100)).toEqual({ ok: false, waitMs: 900 });
    });

    it('counts calls at one instant one by one, and counts time in whole milliseconds', async () => {
      const [limiter] = await factory.limiter({ max: 3, windowMs: 1_000 });
      for (let i = 0; i < 3; i++) expect(await limiter.acquire(T + 0.7)).toEqual({ ok: true });
      expect(await limiter.acquire(T + 999.9)).toEqual({ ok: false, waitMs: 1 });
      expect(await limiter.acquire(T + 1_000.2)).toEqual({ ok: true });
    });

    it('is shared: two processes together never get more than max calls in any window', async () => {
      const max = 4;
      const windowMs = 1_000;
      const pair = await factory.limiter({ max, windowMs });
      const granted: number[] = [];
      for (let t = T; t < T + 2_500; t += 50) {
        for (const g of await Promise.all(pair.map((l) => l.acquire(t)))) if (g.ok) granted.push(t);
      }
      for (const t of granted) expect(granted.filter((u) => u > t - windowMs && u <= t).length).toBeLessThanOrEqual(max);
      expect(granted.length).toBe(3 * max);
    });

    it('after a 429 blocks every process until the time given (whole ms, rounded up); a shorter block never shortens it', async () => {
      const [one, two] = await factory.limiter({ max: 1, windowMs: 1_000 });
      await one.blockUntil(T + 10_000.2);
      await two.blockUntil(T + 2_000);
      expect(await two.acquire(T)).toEqual({ ok: false, waitMs: 10_001 });
      expect(await one.acquire(T + 10_000)).toEqual({ ok: false, waitMs: 1 });
      // Waiting out a block counted no call: the window is still empty.
      expect(await two.acquire(T + 10_001)).toEqual({ ok: true });
      expect(await one.acquire(T + 10_001)).toEqual({ ok: false, waitMs: 1_000 });
      await one.blockUntil(T + 5_000);
      expect(await two.acquire(T + 11_001)).toEqual({ ok: true });
    });
  });
}
