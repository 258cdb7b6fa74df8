// The card's reads as a use case, on the in-memory stores: outcome items (pending inputs applied), paging by cursor, press advice and pauses, resolvers, log links after a write-back, trails, and the size of a page.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBackoff, createMemoryDrainLock } from '../../src/adapters/memory/drain-guards.ts';
import { createMemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { createMemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import type { MemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { PAGE_BUDGET_BYTES } from '../../src/app/card-cursor.ts';
import { createCardView, verificationLogIds } from '../../src/app/card-view.ts';
import { overLimitFromLedger } from '../../src/app/limit-marks.ts';
import type { CardCaller, CardTrail, CardViewDeps } from '../../src/app/card-view.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import type { ReadResult } from '../../src/app/read-outcomes.ts';
import { submitAction } from '../../src/app/submit-action.ts';
import { drainWriteback } from '../../src/app/writeback.ts';
import type { Outcome, TrailEntry } from '../../src/core/engine/outcome.ts';
import type { RecordState } from '../../src/core/engine/record-state.ts';
import { compareOutcomes } from '../../src/core/ledger-view.ts';
import type { ObjectType } from '../../src/core/types.ts';
import { T0, drainDeps, hubspotDouble, outcomeFixture, recordingLog, stateWith } from '../support/hubspot-double.ts';
import { criteriaSet, run } from '../support/scenario.ts';

const PORTAL = 42;
const OTHER_PORTAL = 43;
const CRITERIA = criteriaSet(
  { cooldown: '2m', retry_window: '30m' },
  { id: 'tiered', name: 'Tiered work', price: { currency: 'EUR', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '2.00' }, { up_to: null, unit_amount: '1.00' }] } },
  { id: 'deals-won', name: 'Deal won', object: 'deal' },
);
const JANE: CardCaller = { portalId: PORTAL, userId: 5, userEmail: 'jane@example.com' };

let now: number;
let signals: MemorySignalStore;
let writeback: MemoryWritebackStore;
let pauses: { criteriaId: string; since: number }[];

beforeEach(() => {
  now = T0 + 2 * 3_600_000;
  signals = createMemorySignalStore({ clock: () => now });
  writeback = createMemoryWritebackStore(signals);
  pauses = [];
});

function cards(over: Partial<CardViewDeps> = {}) {
  return createCardView({
    store: signals,
    criteria: () => CRITERIA,
    logs: verificationLogIds(writeback),
    paused: { pausedNow: async () => pauses },
    resolvers: { userIds: new Set([7]), emails: new Set(['boss@example.com']) },
    clock: () => now,
    ...over,
  });
}

async function save(state: RecordState, portalId = PORTAL): Promise<void> {
  const ref: RecordRef = { portalId, objectType: state.objectType, recordId: state.recordId };
  const loaded = await signals.load(ref, Number.POSITIVE_INFINITY);
  const result = await signals.commit({ record: ref, version: loaded.version, state, applied: [], nextTimerAt: null, writeDueAt: now, statusesBefore: [] });
  expect(result.ok).toBe(true);
}

const commit = (recordId: string, outcomes: readonly Outcome[], objectType: ObjectType = 'ticket', portalId = PORTAL) => save(stateWith(objectType, recordId, outcomes), portalId);

function ok<T>(result: ReadResult<T>): T {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

const list = async (recordId: string, o: { cursor?: string; limit?: number; caller?: CardCaller } = {}) =>
  ok(await cards().outcomes(o.caller ?? JANE, { objectType: 'ticket', recordId, cursor: o.cursor, limit: o.limit ?? 20 }));

describe('card view: outcome items', () => {
  it("shows the ledger's fields with the criteria's name, the flat charge, whether it may be disputed, and the trail's length", async () => {
    const o = outcomeFixture({ recordId: '11', status: 'billable', trail: [{ at: T0, version: 1, type: 'opened' }, { at: T0 + 60_000, version: 1, type: 'suppressed' }] });
    await commit('11', [o]);
    expect((await list('11')).outcomes).toEqual([
      {
        outcomeId: 'resolve:ticket:11:2026-11-03#1',
        criteria: { id: 'resolve', version: 1, name: 'Ticket resolved' },
        status: 'billable',
        reason: null,
        label: null,
        tries: 1,
        suppressed: 0,
        duplicates: 0,
        openedAt: '2026-11-03T10:00:00.000Z',
        succeededAt: '2026-11-03T10:30:00.000Z',
        settledAt: '2026-11-03T11:30:00.000Z',
        deadline: null,
        reviewEndsAt: null,
        billingPeriod: '2026-11',
        charge: { amount: '1.00', currency: 'USD' },
        overLimit: false,
        dispute: null,
        canDispute: true,
        canResolve: false,
        verificationLogUrl: null,
        trailLength: 2,
      },
    ]);
  });

  it("an outcome over its budget limit (contract §8) shows overLimit and no charge, read off the portal's whole ledger", async () => {
    const limited = criteriaSet({ budget: { expected: '1.00', limit: '1.00' } });
    // Each 1.00 on its own record: 11 settles first and is charged, 12 a minute later and is over the limit.
    await commit('11', [outcomeFixture({ recordId: '11', status: 'billable' })]);
    const late = outcomeFixture({ recordId: '12', status: 'billable' });
    await commit('12', [{ ...late, settledAt: late.settledAt! + 60_000 }]);
    const view = cards({ criteria: () => limited, overLimit: overLimitFromLedger(signals, () => limited) });
    const shown = async (recordId: string) => ok(await view.outcomes(JANE, { objectType: 'ticket', recordId, limit: 20 })).outcomes[0];
    expect(await shown('11')).toMatchObject({ status: 'billable', overLimit: false, charge: { amount: '1.00', currency: 'USD' } });
    expect(await shown('12')).toMatchObject({ status: 'billable', overLimit: true, charge: { amount: '0.00', currency: 'USD' }, canDispute: true });
  });

  it('credited keeps its billing period and charge; not billable costs 0; open or tiered has no charge; an open dispute blocks another', async () => {
    const by = { userId: 5, email: 'jane@example.com' };
    const dispute = (state: 'open' | 'rejected' | 'upheld') => ({ state, reason: 'Wrong record', openedBy: by, openedAt: T0, resolvedBy: state === 'open' ? null : by, resolvedAt: state === 'open' ? null : T0 + 1, note: state === 'open' ? null : 'checked' });
    await commit('11', [
      outcomeFixture({ recordId: '11', seq: 1, status: 'credited', dispute: dispute('upheld'), creditedAt: T0 + 1, creditPeriod: '2026-11' }),
      outcomeFixture({ recordId: '11', seq: 2, status: 'not_billable' }),
      outcomeFixture({ recordId: '11', seq: 3, status: 'open' }),
      outcomeFixture({ recordId: '11', seq: 4, status: 'billable', dispute: dispute('open') }),
      outcomeFixture({ recordId: '11', seq: 5, status: 'billable', dispute: dispute('rejected') }),
      outcomeFixture({ recordId: '11', seq: 6, status: 'billable', criteriaId: 'tiered', outcomeId: 'tiered:ticket:11:2026-11-03#1', idempotencyKey: 'tiered:ticket:11:2026-11-03' }),
    ]);
    const items = (await list('11')).outcomes;
    const pick = (seq: number) => items.find((i) => i.openedAt === new Date(T0 + (seq - 1) * 60_000).toISOString())!;
    expect(pick(1)).toMatchObject({ status: 'credited', billingPeriod: '2026-11', charge: { amount: '1.00', currency: 'USD' }, canDispute: false, dispute: { state: 'upheld', note: 'checked' } });
    expect(pick(2)).toMatchObject({ status: 'not_billable', reason: 'reversed', billingPeriod: null, charge: { amount: '0.00', currency: 'USD' }, canDispute: false });
    expect(pick(3)).toMatchObject({ status: 'open', charge: null, canDispute: false, deadline: '2026-11-03T11:00:00.000Z' });
    expect(pick(4)).toMatchObject({ canDispute: false, dispute: { state: 'open', openedBy: by, openedAt: '2026-11-03T10:00:00.000Z', resolvedAt: null } });
    expect(pick(5)).toMatchObject({ canDispute: true, dispute: { state: 'rejected' } });
    expect(pick(6)).toMatchObject({ criteria: { id: 'tiered', version: 1, name: 'Tiered work' }, charge: null, canDispute: true });
  });

  it('shows a dispute accepted (202) but not yet applied by the worker as open, and no longer disputable', async () => {
    const o = outcomeFixture({ recordId: '11', status: 'billable' });
    await commit('11', [o]);
    const deps = { store: signals, scheduler: createMemoryScheduler(), criteria: () => CRITERIA, clock: () => now, resolvers: { userIds: new Set<number>(), emails: new Set<string>() } };
    const body = { type: 'open_dispute' as const, outcomeId: o.outcomeId, reason: 'Wrong record: already routed' };
    expect(await submitAction(deps, { portalId: PORTAL, requestId: 'r1', user: { userId: 5, email: 'jane@example.com' }, body })).toMatchObject({ kind: 'accepted' });
    expect((await signals.load({ portalId: PORTAL, objectType: 'ticket', recordId: '11' }, now)).actions).toHaveLength(1);
    expect((await list('11')).outcomes[0]).toMatchObject({ canDispute: false, dispute: { state: 'open', reason: 'Wrong record: already routed', openedAt: new Date(now).toISOString() } });
  });

  it('shows archived outcomes with the hot ones, an archived billable one as no longer disputable, and its trail', async () => {
    const old = outcomeFixture({ recordId: '11', seq: 1, status: 'billable' });
    const recent = outcomeFixture({ recordId: '11', seq: 2, status: 'billable' });
    const ref: RecordRef = { portalId: PORTAL, objectType: 'ticket', recordId: '11' };
    const history = { keep: [], keepReads: [], drop: [], checkpoint: null, archive: [old] };
    await signals.commit({ record: ref, version: 0, state: stateWith('ticket', '11', [recent]), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [], history });
    const shown = (await list('11')).outcomes;
    expect(shown.map((o) => [o.outcomeId, o.canDispute])).toEqual([[recent.outcomeId, true], [old.outcomeId, false]]);
    expect(ok(await cards().trail(JANE, { outcomeId: old.outcomeId, limit: 50 })).entries.length).toBe(old.trail.length);
  });

  it('a record with no state, or one of another portal, answers no outcomes', async () => {
    await commit('11', [outcomeFixture({ recordId: '11', status: 'billable' })], 'ticket', OTHER_PORTAL);
    const answer = await list('11');
    expect(answer).toEqual({ record: { objectType: 'ticket', recordId: '11' }, viewer: { userId: 5, canResolve: false }, outcomes: [], nextCursor: null, pressAdvice: [], paused: [] });
  });
});

describe('card view: paging', () => {
  /** 45 outcomes on one record; three pairs opened at the same instant under different keys. */
  function many(): Outcome[] {
    const out: Outcome[] = [];
    for (let seq = 1; seq <= 42; seq++) out.push(outcomeFixture({ recordId: '11', seq, status: 'billable' }));
    for (const seq of [5, 17, 30]) {
      const key = 'tiered:ticket:11:2026-11-03';
      out.push(outcomeFixture({ recordId: '11', seq, status: 'billable', criteriaId: 'tiered', idempotencyKey: key, outcomeId: `${key}#${seq}` }));
    }
    return out;
  }

  it('walks every outcome once, newest first as the ledger orders them backwards, in pages of at most limit', async () => {
    const all = many();
    await commit('11', all);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list('11', { cursor, limit: 20 });
      expect(page.outcomes.length).toBeLessThanOrEqual(20);
      seen.push(...page.outcomes.map((o) => o.outcomeId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([...all].sort(compareOutcomes).reverse().map((o) => o.outcomeId));
  });

  it('a limit of 1 and of 50 bound the page; the last page has no next cursor', async () => {
    await commit('11', many());
    const one = await list('11', { limit: 1 });
    expect(one.outcomes).toHaveLength(1);
    expect(one.nextCursor).not.toBeNull();
    const fifty = await list('11', { limit: 50 });
    expect(fifty.outcomes).toHaveLength(45);
    expect(fifty.nextCursor).toBeNull();
  });

  it('an outcome opened between two pages does not shift the walk: nothing is seen twice or missed', async () => {
    const all = many();
    await commit('11', all);
    const first = await list('11', { limit: 10 });
    const newer = outcomeFixture({ recordId: '11', seq: 43, status: 'open' });
    await commit('11', [...all, newer]);
    const rest: string[] = [];
    let cursor = first.nextCursor ?? undefined;
    while (cursor !== undefined) {
      const page = await list('11', { cursor, limit: 10 });
      rest.push(...page.outcomes.map((o) => o.outcomeId));
      cursor = page.nextCursor ?? undefined;
    }
    expect([...first.outcomes.map((o) => o.outcomeId), ...rest]).toEqual([...all].sort(compareOutcomes).reverse().map((o) => o.outcomeId));
  });

  it('a cursor it did not give is refused at the cursor parameter', async () => {
    for (const cursor of ['nonsense', Buffer.from('["t",3]').toString('base64url'), '']) {
      const answer = await cards().outcomes(JANE, { objectType: 'ticket', recordId: '11', cursor, limit: 20 });
      expect(answer).toEqual({ ok: false, error: { code: 'bad_request', problem: { code: 'invalid_value', path: ['cursor'], message: expect.stringContaining('not a cursor') } } });
    }
  });
});

describe('card view: press advice, pauses and resolvers', () => {
  /** Ticket 1 pressed at 10:00 under `resolve` (cool-down 2m, retry window 30m). */
  async function pressed(): Promise<void> {
    const state = run([{ at: 0, set: { agent_started_at: 'x' } }], { criteria: CRITERIA, until: 0 }).states.get('ticket:1')!;
    await save(state);
  }

  it('advises at the service clock: cool-down first, then retry, then nothing', async () => {
    await pressed();
    now = T0 + 60_000;
    expect((await list('1')).pressAdvice).toEqual([{ criteriaId: 'resolve', criteriaName: 'Ticket resolved', kind: 'cooldown', until: '2026-11-03T10:02:00.000Z' }]);
    now = T0 + 5 * 60_000;
    expect((await list('1')).pressAdvice).toEqual([{ criteriaId: 'resolve', criteriaName: 'Ticket resolved', kind: 'retry', until: '2026-11-03T10:30:00.000Z' }]);
    now = T0 + 31 * 60_000;
    expect((await list('1')).pressAdvice).toEqual([]);
  });

  it('counts a press still in the signal hold: cool-down advice before the worker has applied it', async () => {
    now = T0 + 3_000;
    const press = { kind: 'property' as const, objectType: 'ticket' as const, recordId: '1', at: T0, property: 'agent_started_at', value: 'x' };
    await signals.ingest(PORTAL, [{ identity: 'press-1', signal: press }]);
    expect((await list('1')).pressAdvice).toEqual([{ criteriaId: 'resolve', criteriaName: 'Ticket resolved', kind: 'cooldown', until: '2026-11-03T10:02:00.000Z' }]);
  });

  it("lists this object type's paused criteria with their names, and gives no advice for a paused id", async () => {
    await pressed();
    now = T0 + 60_000;
    pauses = [
      { criteriaId: 'deals-won', since: T0 - 1_000 },
      { criteriaId: 'resolve', since: T0 + 30_000 },
    ];
    const answer = await list('1');
    expect(answer.paused).toEqual([{ criteriaId: 'resolve', criteriaName: 'Ticket resolved', since: '2026-11-03T10:00:30.000Z' }]);
    expect(answer.pressAdvice).toEqual([]);
  });

  it("an outcome's canResolve: only for a resolver, only while its dispute is open", async () => {
    const by = { userId: 5, email: 'jane@example.com' };
    const open = { state: 'open' as const, reason: 'Wrong record', openedBy: by, openedAt: T0, resolvedBy: null, resolvedAt: null, note: null };
    await commit('11', [
      outcomeFixture({ recordId: '11', seq: 1, status: 'billable', dispute: open }),
      outcomeFixture({ recordId: '11', seq: 2, status: 'billable', dispute: { ...open, state: 'rejected', resolvedBy: by, resolvedAt: T0 + 1, note: 'checked' } }),
      outcomeFixture({ recordId: '11', seq: 3, status: 'billable' }),
    ]);
    const resolvable = async (caller: CardCaller) => (await list('11', { caller })).outcomes.map((o) => [o.openedAt, o.canResolve]);
    const at = (seq: number) => new Date(T0 + (seq - 1) * 60_000).toISOString();
    expect(await resolvable({ portalId: PORTAL, userId: 7, userEmail: null })).toEqual([[at(3), false], [at(2), false], [at(1), true]]);
    expect(await resolvable(JANE)).toEqual([[at(3), false], [at(2), false], [at(1), false]]);
  });

  it('canResolve: a resolver named by user id or by email (any case), nobody else, and not an unnamed email', async () => {
    const viewer = async (caller: Omit<CardCaller, 'portalId'>) => (await list('1', { caller: { portalId: PORTAL, ...caller } })).viewer;
    expect(await viewer({ userId: 7, userEmail: null })).toEqual({ userId: 7, canResolve: true });
    expect(await viewer({ userId: 8, userEmail: 'Boss@Example.com' })).toEqual({ userId: 8, canResolve: true });
    expect(await viewer({ userId: 5, userEmail: 'jane@example.com' })).toEqual({ userId: 5, canResolve: false });
    expect(await viewer({ userId: 5, userEmail: null })).toEqual({ userId: 5, canResolve: false });
  });
});

describe('card view: verification log links', () => {
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('null until the write-back has written the log, then the log record in the portal', async () => {
    nock.disableNetConnect();
    hubspotDouble();
    await commit('11', [outcomeFixture({ recordId: '11', status: 'billable' })]);
    expect((await list('11')).outcomes[0]!.verificationLogUrl).toBeNull();
    const guards = { lock: createMemoryDrainLock({ clock: () => now }), backoff: createMemoryBackoff({ clock: () => now }), limiter: createMemoryRateLimiter({ max: 1_000 }) };
    const deps = drainDeps({ ...guards, clock: () => now, metrics: createMetrics({ defaultMetrics: false }), log: recordingLog(), criteria: () => CRITERIA });
    expect(await drainWriteback({ ...deps, store: writeback })).toMatchObject({ written: { logs: 1, associations: 1 } });
    expect((await list('11')).outcomes[0]!.verificationLogUrl).toBe('https://app.hubspot.com/contacts/42/record/p42_ob_verification_log/9001');
  });
});

describe('card view: trails', () => {
  const trailOf = (outcomeId: string, o: { cursor?: string; limit?: number; caller?: CardCaller } = {}) =>
    cards().trail(o.caller ?? JANE, { outcomeId, cursor: o.cursor, limit: o.limit ?? 50 });

  it('pages the trail oldest first with ISO times, and walks every entry once', async () => {
    const trail: TrailEntry[] = Array.from({ length: 120 }, (_, i) => ({ at: T0 + i * 1_000, version: 1, type: i === 0 ? 'opened' : 'suppressed' }));
    const o = outcomeFixture({ recordId: '11', trail });
    await commit('11', [o]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(await trailOf(o.outcomeId, { cursor, limit: 50 }));
      expect(page.outcomeId).toBe(o.outcomeId);
      expect(page.entries.length).toBeLessThanOrEqual(50);
      seen.push(...page.entries.map((e) => e.at));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual(trail.map((e) => new Date(e.at).toISOString()));
    expect(ok(await trailOf(o.outcomeId, { limit: 2 })).entries).toEqual([
      { at: '2026-11-03T10:00:00.000Z', version: 1, type: 'opened' },
      { at: '2026-11-03T10:00:01.000Z', version: 1, type: 'suppressed' },
    ]);
  });

  it('names who published the version the outcome is pinned to, when the origins are wired, and a file version as such', async () => {
    const o = outcomeFixture({ recordId: '11', status: 'billable' });
    await commit('11', [o]);
    const origins = { originOf: async (id: string, version: number) => (id === o.criteriaId && version === 1 ? { publishedBy: { userId: 7, email: 'ed@example.com' }, publishedAt: T0 } : null) };
    const withOrigin = ok(await cards({ origins }).trail(JANE, { outcomeId: o.outcomeId, limit: 50 }));
    expect(withOrigin.criteria).toEqual({ id: o.criteriaId, version: 1, publishedBy: { userId: 7, email: 'ed@example.com' }, publishedAt: '2026-11-03T10:00:00.000Z' });
    const fromFile = ok(await cards({ origins: { originOf: async () => null } }).trail(JANE, { outcomeId: o.outcomeId, limit: 50 }));
    expect(fromFile.criteria).toEqual({ id: o.criteriaId, version: 1, publishedBy: null, publishedAt: null });
    expect(ok(await trailOf(o.outcomeId))).not.toHaveProperty('criteria');
  });

  it('an outcome the portal does not have is not found, whether it exists in another portal or not; a malformed id is a bad request', async () => {
    const o = outcomeFixture({ recordId: '11', status: 'billable' });
    await commit('11', [o], 'ticket', OTHER_PORTAL);
    const notFound = { ok: false, error: { code: 'not_found', problem: { code: 'not_found', path: ['outcomeId'], message: expect.any(String) } } };
    expect(await trailOf(o.outcomeId)).toEqual(notFound);
    expect(await trailOf('resolve:ticket:11:2026-11-03#9')).toEqual(notFound);
    expect(await trailOf('not an id')).toMatchObject({ ok: false, error: { code: 'bad_request', problem: { path: ['outcomeId'] } } });
    expect(ok(await trailOf(o.outcomeId, { caller: { ...JANE, portalId: OTHER_PORTAL } })).entries).toHaveLength(1);
  });

  it('shows a correction in its trail, and still finds an outcome a late signal withdrew, with why', async () => {
    const lateInput = { input: 'signal' as const, kind: 'property', at: T0 - 60_000, ref: 'evt-9' };
    const kept = outcomeFixture({ recordId: '12', status: 'billable', trail: [{ at: T0, version: 1, type: 'corrected', change: 'changed', fields: ['status'], from: 'not_billable', to: 'billable', lateInput }] });
    const gone = outcomeFixture({ recordId: '12', seq: 2, status: 'billable', trail: [{ at: T0, version: 1, type: 'corrected', change: 'withdrawn', fields: [], from: 'billable', lateInput }] });
    const state = stateWith('ticket', '12', [kept]);
    state.withdrawn = [gone];
    await save(state);
    expect(ok(await trailOf(kept.outcomeId)).entries).toEqual([
      { at: new Date(T0).toISOString(), version: 1, type: 'corrected', change: 'changed', fields: ['status'], from: 'not_billable', to: 'billable', lateInput: { ...lateInput, at: new Date(T0 - 60_000).toISOString() } },
    ]);
    expect(ok(await trailOf(gone.outcomeId)).entries).toMatchObject([{ type: 'corrected', change: 'withdrawn' }]);
    // Withdrawn outcomes are out of the ledger: the card's list does not show them.
    expect(ok(await cards().outcomes(JANE, { objectType: 'ticket', recordId: '12', limit: 50 })).outcomes.map((o) => o.outcomeId)).toEqual([kept.outcomeId]);
  });

  it('a long history stays well under 1 MB a page, for the list and the trail, and is still walked whole', async () => {
    // Every value at the trail's 200-character cap, in characters JSON escapes to six bytes each.
    const value = '\u0001'.repeat(200);
    const values = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`prop_${i}`, value]));
    const trail: TrailEntry[] = Array.from({ length: 100 }, (_, i) => ({ at: T0 + i, version: 1, type: 'signal', kind: 'crm_read', found: true, values, checks: { success: false } }));
    const reason = 'x'.repeat(20_000);
    const dispute = { state: 'open' as const, reason, openedBy: { userId: 5, email: 'jane@example.com' }, openedAt: T0, resolvedBy: null, resolvedAt: null, note: null };
    const outcomes = Array.from({ length: 50 }, (_, i) => outcomeFixture({ recordId: '11', seq: i + 1, status: 'billable', dispute, ...(i === 0 ? { trail } : {}) }));
    await commit('11', outcomes);

    let cursor: string | undefined;
    let listed = 0;
    do {
      const page = await list('11', { cursor, limit: 50 });
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(PAGE_BUDGET_BYTES + 16_384);
      listed += page.outcomes.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(listed).toBe(50);

    let entries = 0;
    let pages = 0;
    do {
      const page: CardTrail = ok(await trailOf(outcomes[0]!.outcomeId, { cursor, limit: 200 }));
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(PAGE_BUDGET_BYTES + 1_024);
      entries += page.entries.length;
      pages++;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(entries).toBe(100);
    expect(pages).toBeGreaterThan(3);
  });
});
