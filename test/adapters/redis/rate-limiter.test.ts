// The global HubSpot rate limit: one sliding window in Redis shared by every process, the budget under HubSpot's burst limits, and the pause a 429 imposes on all.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CALL_BUDGET_SHARE, LIMIT_WINDOW_MS, callBudget, createRedisRateLimiter } from '../../../src/adapters/redis/rate-limiter.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

let a: Redis;
let b: Redis;
let prefix: string;
beforeAll(() => {
  a = connect();
  b = connect();
});
afterEach(async () => {
  await deletePrefix(a, prefix);
});
afterAll(async () => {
  await Promise.all([a.quit(), b.quit()]);
});

const T = 1_793_700_000_000;

describe('the shared rate limiter', () => {
  it("keeps a margin under each of HubSpot's burst limits, over a window a second longer than HubSpot's", () => {
    expect(CALL_BUDGET_SHARE).toBe(0.9);
    expect([100, 190, 250].map(callBudget)).toEqual([90, 171, 225]);
    expect(LIMIT_WINDOW_MS).toBe(11_000);
    prefix = testPrefix('limiter');
    expect(createRedisRateLimiter(a, prefix, { burstLimit: 190 })).toMatchObject({ max: 171, windowMs: 11_000 });
    expect(createRedisRateLimiter(a, prefix)).toMatchObject({ max: 90 });
  });

  it('two processes on one Redis never get more than max calls in any window, and each is told how long to wait', async () => {
    prefix = testPrefix('limiter');
    const max = 5;
    const windowMs = 1_000;
    const limiters = [createRedisRateLimiter(a, prefix, { max, windowMs }), createRedisRateLimiter(b, prefix, { max, windowMs })];
    const granted: number[] = [];
    // Both processes ask every 50 ms for 3 s, at the same instants.
    for (let t = T; t < T + 3_000; t += 50) {
      const answers = await Promise.all(limiters.map((l) => l.acquire(t)));
      for (const g of answers) {
        if (g.ok) granted.push(t);
        else expect(g.waitMs).toBeGreaterThan(0);
      }
    }
    for (const t of granted) expect(granted.filter((u) => u > t - windowMs && u <= t).length).toBeLessThanOrEqual(max);
    // The budget is used, not wasted: a full window's worth every window.
    expect(granted.length).toBeGreaterThanOrEqual(3 * max - 1);
    // A refusal says when the oldest call leaves the window.
    const waitPrefix = testPrefix('limiter-wait');
    const l = createRedisRateLimiter(a, waitPrefix, { max: 2, windowMs });
    expect(await l.acquire(T)).toEqual({ ok: true });
    expect(await l.acquire(T + 100)).toEqual({ ok: true });
    expect(await l.acquire(T + 400)).toEqual({ ok: false, waitMs: 600 });
    expect(await l.acquire(T + 1_000)).toEqual({ ok: true });
    await deletePrefix(a, waitPrefix);
  });

  it('a 429 blocks every process until the time HubSpot gave; a shorter block never shortens it', async () => {
    prefix = testPrefix('limiter');
    const one = createRedisRateLimiter(a, prefix, { max: 100 });
    const two = createRedisRateLimiter(b, prefix, { max: 100 });
    await one.blockUntil(T + 10_000);
    await two.blockUntil(T + 2_000);
    expect(await two.acquire(T)).toEqual({ ok: false, waitMs: 10_000 });
    expect(await one.acquire(T + 9_999)).toEqual({ ok: false, waitMs: 1 });
    expect(await two.acquire(T + 10_000)).toEqual({ ok: true });
  });
});
