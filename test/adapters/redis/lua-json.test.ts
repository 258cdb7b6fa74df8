// Text Redis's scripts decode (src/adapters/redis/lua-json.ts): a value holding half an emoji neither stops the log's trim nor fails a dispute.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luaSafeJson } from '../../../src/adapters/redis/lua-json.ts';
import { createRedisSignalStore } from '../../../src/adapters/redis/signal-store.ts';
import type { RecordRef } from '../../../src/app/ports.ts';
import type { Signal } from '../../../src/core/types.ts';
import { outcomeFixture } from '../../support/hubspot-double.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

const PORTAL = 9;
const DAY = 86_400_000;
const CUT = 'Great job \ud83d';
const record: RecordRef = { portalId: PORTAL, objectType: 'ticket', recordId: '1' };
const note = (at: number, value: string, ref: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '1', at, property: 'agent_note', value, ref });

let redis: Redis;
const prefix = testPrefix('lua-json');
beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('luaSafeJson', () => {
  it('is JSON.stringify, but a lone surrogate becomes U+FFFD; paired ones and a literal backslash-u stay', () => {
    expect(luaSafeJson({ a: 'plain', b: ['😀'] })).toBe(JSON.stringify({ a: 'plain', b: ['😀'] }));
    expect(JSON.stringify(CUT)).toContain('\\ud83d');
    expect(JSON.parse(luaSafeJson({ v: CUT, w: '\udc00x' }))).toEqual({ v: 'Great job \ufffd', w: '\ufffdx' });
    expect(luaSafeJson({ v: '\\ud83d' })).toBe(JSON.stringify({ v: '\\ud83d' }));
  });
});

describe('a signal holding half an emoji, on Redis', () => {
  it('is stored readable by the scripts: the trim removes it and a dispute before it is stored', async () => {
    const store = createRedisSignalStore(redis, prefix);
    await store.ingest(PORTAL, [
      { identity: 'd1', signal: note(1 * DAY, 'first', 'd1') },
      { identity: 'd2', signal: note(2 * DAY, CUT, 'd2') },
      { identity: 'd3', signal: note(3 * DAY, 'third', 'd3') },
    ]);
    // dispute-6 decodes the pending inputs after the action's time: the cut value is among them.
    const loaded = await store.load(record, DAY / 2);
    const action = { type: 'open_dispute' as const, at: DAY / 2, by: { userId: 7, email: 'ann@example.com' }, outcomeId: 'resolve:ticket:1:1970-01-01#1', reason: 'wrong record' };
    const stored = await store.storeAction({ kind: 'dispute', portalId: PORTAL, requestId: 'r1', fingerprint: 'fp', answer: { action, outcome: outcomeFixture({ recordId: '1', status: 'billable' }) }, action, record, version: loaded.version, pendingCount: 0 });
    expect(stored.kind).toBe('stored');
    const pending = (await store.load(record, 10 * DAY)).pending.map((p) => (p.signal.kind === 'property' ? p.signal.value : null));
    expect(pending).toEqual(['first', 'Great job \ufffd', 'third']);
    // Before the fix the trim stopped at the second entry and called it unreadable, for good.
    expect(await store.trimLog(PORTAL, 100 * DAY, 1_000)).toEqual({ removed: 4, state: 'done' });
  });
});
