// Use case: the editors and resolvers the settings page manages: only editors change them, the last editor stays, the environment's users stay, retries answer once, and an added resolver resolves at once.
import { describe, expect, it } from 'vitest';
import { createMemoryAccessStore } from '../../src/adapters/memory/access-store.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { accessOf, changeAccess } from '../../src/app/access-lists.ts';
import type { AccessChange, AccessDeps, EnvAccess } from '../../src/app/access-lists.ts';
import type { PublishRequests } from '../../src/app/request-once.ts';
import type { IngestItem, RecordRef } from '../../src/app/ports.ts';
import { processRecord } from '../../src/app/process-record.ts';
import { submitAction } from '../../src/app/submit-action.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';

const PORTAL = 1;
const ED = { portalId: PORTAL, userId: 7 };

function memoryRequests(): PublishRequests & { readonly entries: Map<string, { fingerprint: string; answer?: string }> } {
  const entries = new Map<string, { fingerprint: string; answer?: string }>();
  return {
    entries,
    async claim(portalId, requestId, fingerprint) {
      const e = entries.get(`${portalId}:${requestId}`);
      if (e === undefined) {
        entries.set(`${portalId}:${requestId}`, { fingerprint });
        return { kind: 'claimed' };
      }
      return e.answer === undefined ? { kind: 'pending' } : { kind: 'answered', fingerprint: e.fingerprint, answer: e.answer };
    },
    async finish(portalId, requestId, fingerprint, answer) {
      entries.set(`${portalId}:${requestId}`, { fingerprint, answer });
    },
    async release(portalId, requestId) {
      entries.delete(`${portalId}:${requestId}`);
    },
  };
}

function setup(env: EnvAccess = { editors: new Set(), resolvers: { userIds: new Set(), emails: new Set(['env@example.com']) } }, seed: readonly number[] = [7]) {
  const store = createMemoryAccessStore();
  void store.update(PORTAL, (c) => ({ ...c, editors: [...seed] }));
  const deps: AccessDeps = { env, store, requests: memoryRequests() };
  let n = 0;
  const change = (c: Partial<AccessChange>, caller = ED, requestId = `r${++n}`) =>
    changeAccess(deps, caller, requestId, { op: 'add', list: 'editors', userId: null, email: null, ...c }, (a) => JSON.stringify(a));
  return { deps, change };
}

describe('changeAccess', () => {
  it('refuses a user who is not an editor, and changes nothing', async () => {
    const { deps, change } = setup();
    expect(await change({ userId: 99 }, { portalId: PORTAL, userId: 99 })).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/^user 99 is not one of this portal's criteria editors/) });
    expect([...(await accessOf(deps, PORTAL)).editors]).toEqual([7]);
  });

  it('adds editors and resolvers (ids and lower-cased emails); adding twice keeps one', async () => {
    const { deps, change } = setup();
    await change({ userId: 8 });
    await change({ userId: 8 });
    await change({ list: 'resolvers', email: 'ann@example.com' });
    const r = await change({ list: 'resolvers', userId: 12 });
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.access.editors).toEqual([
      { userId: 7, email: null, fromEnvironment: false },
      { userId: 8, email: null, fromEnvironment: false },
    ]);
    expect(r.access.resolvers).toEqual([
      { userId: 12, email: null, fromEnvironment: false },
      { userId: null, email: 'ann@example.com', fromEnvironment: false },
      { userId: null, email: 'env@example.com', fromEnvironment: true },
    ]);
    const effective = await accessOf(deps, PORTAL);
    expect([...effective.resolvers.emails].sort()).toEqual(['ann@example.com', 'env@example.com']);
  });

  it('keeps the last editor: an editor may remove another, not the only one left', async () => {
    const { deps, change } = setup();
    await change({ userId: 8 });
    expect((await change({ op: 'remove', userId: 7 }, { portalId: PORTAL, userId: 8 })).kind).toBe('ok');
    expect(await change({ op: 'remove', userId: 8 }, { portalId: PORTAL, userId: 8 })).toMatchObject({ kind: 'refused', code: 'last_editor' });
    expect([...(await accessOf(deps, PORTAL)).editors]).toEqual([8]);
  });

  it('never removes a user the environment names; with editors in the environment the stored ones may all go', async () => {
    const { deps, change } = setup({ editors: new Set([5]), resolvers: { userIds: new Set([5]), emails: new Set() } });
    expect(await change({ op: 'remove', userId: 5 })).toMatchObject({ kind: 'refused', code: 'from_environment', message: expect.stringContaining('CRITERIA_EDITORS') });
    expect(await change({ op: 'remove', list: 'resolvers', userId: 5 })).toMatchObject({ kind: 'refused', code: 'from_environment', message: expect.stringContaining('DISPUTE_RESOLVERS') });
    expect((await change({ op: 'remove', userId: 7 })).kind).toBe('ok');
    expect([...(await accessOf(deps, PORTAL)).editors]).toEqual([5]);
  });

  it('answers a retried request id with its first answer; the id with another change is refused; a refused change frees its id', async () => {
    const { change } = setup();
    const first = await change({ userId: 8 }, ED, 'same');
    expect(first.kind).toBe('ok');
    expect(await change({ userId: 8 }, ED, 'same')).toEqual({ kind: 'answered', answer: JSON.stringify(first.kind === 'ok' ? first.access : null) });
    expect(await change({ userId: 9 }, ED, 'same')).toEqual({ kind: 'reused_id' });
    await change({ op: 'remove', userId: 8 });
    expect((await change({ op: 'remove', userId: 7 }, ED, 'last')).kind).toBe('refused');
    await change({ userId: 8 });
    expect((await change({ op: 'remove', userId: 7 }, ED, 'last')).kind).toBe('ok');
  });
});

describe('an added resolver', () => {
  it('resolves a dispute at once: submitAction reads the same lists', async () => {
    const { deps, change } = setup();
    const criteria = criteriaSet();
    const signals = createMemorySignalStore();
    const scheduler = createMemoryScheduler();
    const record: RecordRef = { portalId: PORTAL, objectType: 'ticket', recordId: '5' };
    const set = (minutes: number, property: string, value: string): IngestItem => ({ identity: `${minutes}/${property}`, signal: { kind: 'property', objectType: 'ticket', recordId: '5', at: T0 + minutes * 60_000, property, value } });
    await signals.ingest(PORTAL, [set(0, 'agent_started_at', 'x'), set(5, 'stage', 'closed')]);
    await processRecord({ store: signals, scheduler, criteria: () => criteria, clock: () => T0 + 6 * 60_000, holdMs: 0 }, record);
    const actions = { store: signals, scheduler, criteria: () => criteria, clock: () => T0 + 10 * 60_000, resolvers: { userIds: new Set<number>(), emails: new Set<string>() }, resolversOf: async (p: number) => (await accessOf(deps, p)).resolvers };
    const outcomeId = 'resolve:ticket:5:2026-11-03#1';
    const rex = { userId: 9, email: 'rex@example.com' };
    await submitAction(actions, { portalId: PORTAL, requestId: 'o', user: rex, body: { type: 'open_dispute', outcomeId, reason: 'Wrong record' } });
    const uphold = { type: 'resolve_dispute', outcomeId, resolution: 'upheld', note: 'agreed' } as const;
    expect((await submitAction(actions, { portalId: PORTAL, requestId: 'u1', user: rex, body: uphold })).kind).toBe('forbidden');
    await change({ list: 'resolvers', userId: 9 });
    expect(await submitAction(actions, { portalId: PORTAL, requestId: 'u2', user: rex, body: uphold })).toMatchObject({ kind: 'accepted', answer: { outcome: { dispute: { state: 'upheld', resolvedBy: rex } } } });
  });
});
