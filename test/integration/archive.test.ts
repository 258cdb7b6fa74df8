// The archive on Redis: two and a half months of a ticket's attempts, some of them late, leaves a bounded hot state and a ledger (hot and archived) equal to simulate's (docs/decisions.md, "Bounded state").
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalOutcomes } from '../../src/app/ledger-outcomes.ts';
import { processRecord } from '../../src/app/process-record.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import type { Signal } from '../../src/core/types.ts';
import { T0, criteriaSet } from '../support/scenario.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const HOLD = 1_000;
const criteria = criteriaSet({ within: '1h', review_window: '30m', idempotency_period: 'day', cap: { max: 1, period: 'week' }, exclude: [{ if: "spam = 'true'", label: 'spam' }] });
const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '9' };
const sig = (at: number, property: string, value: string, ref: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '9', at, property, value, ref });

let redis: Redis;
const prefix = testPrefix('archive');
beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('the archive on Redis', () => {
  it('keeps the hot state to what can still change while the ledger stays simulate’s, late signals included', async () => {
    const store = createRedisSignalStore(redis, prefix);
    const clock = { now: T0 };
    const deps = { store, scheduler: createMemoryScheduler(), criteria: () => criteria, clock: () => clock.now, holdMs: HOLD, lateHorizonMs: 2 * HOUR, disputeHorizonMs: 24 * HOUR };
    const signals: Signal[] = [];
    let most = 0;
    for (let d = 0; d < 75; d++) {
      const day = T0 + d * 24 * HOUR;
      const mine = [sig(day, 'agent_started_at', `p${d}`, `p${d}`), sig(day + 10 * MIN, 'stage', d % 4 === 0 ? 'open' : 'closed', `s${d}`), sig(day + 20 * MIN, 'spam', d % 5 === 0 ? 'true' : 'false', `x${d}`)];
      signals.push(...mine);
      // The success arrives 40 minutes late, behind the spam value: a replay within the horizon puts it back in its place.
      for (const s of [mine[0]!, mine[2]!, mine[1]!]) {
        await store.ingest(1, [{ identity: s.ref!, signal: s }]);
        clock.now = Math.max(clock.now, s.at + HOLD) + (s === mine[1] ? 40 * MIN : 0);
        await processRecord(deps, record);
      }
      most = Math.max(most, (await store.load(record, Number.NEGATIVE_INFINITY)).state!.outcomes.length);
    }
    clock.now = T0 + 77 * 24 * HOUR;
    await processRecord(deps, record);
    // Hot: what a cap or key of any zone may still reach (this month and week, about 32 days at most) and the dispute horizon.
    expect(most).toBeLessThanOrEqual(34);
    expect((await store.archived(record)).length).toBeGreaterThanOrEqual(45);
    const sim = simulate({ criteria, records: [], signals, until: clock.now - HOLD }).outcomes;
    expect((await portalOutcomes(store, 1)).map((o) => outcomeView(o))).toEqual(sim.map((o) => outcomeView(o)));
    const counts: Record<string, number> = {};
    for (const o of sim) counts[o.status] = (counts[o.status] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(await store.outcomeCounts()).filter(([, n]) => n !== 0))).toEqual(counts);
  });
});
