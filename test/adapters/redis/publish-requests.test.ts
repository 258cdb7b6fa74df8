// The settings page's publish request ids in Redis: claimed once, answered once, released after a refusal.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPublishRequests } from '../../../src/adapters/redis/publish-requests.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

let one: Redis;
let two: Redis;
const prefix = testPrefix('publish-requests');
beforeAll(() => {
  one = connect();
  two = connect();
});
afterAll(async () => {
  await deletePrefix(one, prefix);
  await Promise.all([one.quit(), two.quit()]);
});

describe('publish request ids', () => {
  it('lets one of two concurrent claims go ahead, then answers every later one with the stored answer', async () => {
    const a = createRedisPublishRequests(one, prefix);
    const b = createRedisPublishRequests(two, prefix);
    const claims = await Promise.all([a.claim(1, 'r1', 'f'), b.claim(1, 'r1', 'f')]);
    expect(claims.map((c) => c.kind).sort()).toEqual(['claimed', 'pending']);
    await a.finish(1, 'r1', 'f', '{"version":3}');
    expect(await b.claim(1, 'r1', 'f')).toEqual({ kind: 'answered', fingerprint: 'f', answer: '{"version":3}' });
    // Another portal's id of the same name is its own.
    expect(await b.claim(2, 'r1', 'f')).toEqual({ kind: 'claimed' });
  });

  it('frees an id whose publish was refused', async () => {
    const a = createRedisPublishRequests(one, prefix);
    expect(await a.claim(1, 'r2', 'f')).toEqual({ kind: 'claimed' });
    await a.release(1, 'r2');
    expect(await a.claim(1, 'r2', 'g')).toEqual({ kind: 'claimed' });
  });
});
