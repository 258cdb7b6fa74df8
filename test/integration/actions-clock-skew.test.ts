// Operator actions taken on two web replicas whose clocks differ, over the in-memory store and real Redis: one dispute per outcome, actions applied in the order taken.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import type { PortalLogEntry, RecordRef, SignalStore } from '../../src/app/ports.ts';
import { processRecord } from '../../src/app/process-record.ts';
import { submitAction } from '../../src/app/submit-action.ts';
import type { ActionBody, SubmitActionDeps } from '../../src/app/submit-action.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';

const criteria = criteriaSet();
const MIN = 60_000;
const SKEW = 3_000;
const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '5' };
const outcomeId = 'resolve:ticket:5:2026-11-03#1';
const ann = { userId: 7, email: 'ann@example.com' };
const rex = { userId: 9, email: 'rex@example.com' };
const resolvers = { userIds: new Set<number>(), emails: new Set(['rex@example.com']) };
const press = (minutes: number, property: string, value: string) => ({
  identity: `${minutes}/${property}`,
  signal: { kind: 'property' as const, objectType: 'ticket' as const, recordId: '5', at: T0 + minutes * MIN, property, value },
});
const openDispute: ActionBody = { type: 'open_dispute', outcomeId, reason: 'Wrong record: already routed' };
const uphold: ActionBody = { type: 'resolve_dispute', outcomeId, resolution: 'upheld', note: 'agreed' };

const prefix = testPrefix('clock-skew');
let redis: Redis;
beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const stores: [string, () => SignalStore][] = [
  ['memory', () => createMemorySignalStore()],
  ['redis', () => createRedisSignalStore(redis, prefix)],
];

describe.each(stores)('operator actions on replicas whose clocks differ (%s store)', (_name, create) => {
  it('the replica behind sees the dispute opened on the one ahead: a second open is refused, a resolution takes the later time and applies', async () => {
    const store = create();
    const scheduler = createMemoryScheduler();
    const clock = { now: T0 + 6 * MIN };
    await store.ingest(1, [press(0, 'agent_started_at', 'x'), press(5, 'stage', 'closed')]);
    await processRecord({ store, scheduler, criteria: () => criteria, clock: () => clock.now, holdMs: 0 }, record);
    clock.now = T0 + 10 * MIN;
    const replica = (skewMs: number): SubmitActionDeps => ({ store, scheduler, criteria: () => criteria, clock: () => clock.now + skewMs, resolvers });
    const ahead = replica(SKEW);
    const behind = replica(0);
    const later = T0 + 10 * MIN + SKEW;

    expect(await submitAction(ahead, { portalId: 1, requestId: 'a1', user: ann, body: openDispute })).toMatchObject({ kind: 'accepted', answer: { action: { at: later } } });
    expect(await submitAction(behind, { portalId: 1, requestId: 'b1', user: ann, body: openDispute })).toMatchObject({ kind: 'refused', error: { code: 'not_disputable' } });
    const resolved = await submitAction(behind, { portalId: 1, requestId: 'b2', user: rex, body: uphold });
    expect(resolved).toMatchObject({ kind: 'accepted', answer: { action: { type: 'resolve_dispute', at: later }, outcome: { status: 'credited' } } });
    expect(scheduler.wakes).toContainEqual({ record, at: later });
    const pending = (await store.load(record, Number.POSITIVE_INFINITY)).actions.map((a) => [a.action.type, a.action.at]);
    expect(pending).toEqual([['open_dispute', later], ['resolve_dispute', later]]);

    clock.now = later + MIN;
    await processRecord({ store, scheduler, criteria: () => criteria, clock: () => clock.now, holdMs: 0 }, record);
    expect((await store.load(record, Number.POSITIVE_INFINITY)).state?.outcomes[0]).toMatchObject({ status: 'credited', dispute: { state: 'upheld', openedAt: later, resolvedAt: later } });
    const log: PortalLogEntry[] = [];
    for await (const e of store.portalLog(1)) log.push(e);
    expect(log.filter((e) => e.entry === 'refused')).toEqual([]);
  });
});
