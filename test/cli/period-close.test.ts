// `outcome-billing period close`: a frozen snapshot with its SHA-256, refused while the period is unfinished, a no-op the second time, and later changes as adjustment lines on the next open period.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodCommand } from '../../src/cli/commands/period.ts';
import type { Action } from '../../src/core/engine/input.ts';
import type { RecordState } from '../../src/core/engine/record-state.ts';
import { cli } from '../support/cli.ts';
import type { CliRun } from '../support/cli.ts';
import { outcomeFixture, stateWith } from '../support/hubspot-double.ts';
import { criteriaFile, seedStates } from '../support/ledger-seed.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { run } from '../support/scenario.ts';
import { portalKey } from '../../src/adapters/redis/keys.ts';

const DEC2 = Date.parse('2026-12-02T12:00:00Z');
const JAN2 = Date.parse('2027-01-02T12:00:00Z');
const BY = { userId: 7, email: 'ann@example.com' };

/** Record `id` pressed and closed on 3 November: billable in November; with `actions`, disputed after. */
function ticket(id: string, actions: Action[] = []): RecordState {
  const sim = run([{ at: 0, record: id, set: { agent_started_at: 'x' } }, { at: 5, record: id, set: { stage: 'closed' } }], { actions });
  return sim.states.get(`ticket:${id}`)!;
}
const outcomeIdOf = (id: string) => `resolve:ticket:${id}:2026-11-03#1`;
const upheldInDecember = (id: string): Action[] => [
  { type: 'open_dispute', at: Date.parse('2026-12-03T09:00:00Z'), by: BY, outcomeId: outcomeIdOf(id), reason: 'Closed the wrong ticket.' },
  { type: 'resolve_dispute', at: Date.parse('2026-12-04T09:00:00Z'), by: BY, outcomeId: outcomeIdOf(id), resolution: 'upheld', note: 'Agreed.' },
];

async function captured(f: (io: { out(t: string): void; err(t: string): void }) => Promise<number>): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await f({ out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('outcome-billing period close', () => {
  const prefix = testPrefix('period');
  let redis: Redis;
  const criteria = criteriaFile();
  const common = ['--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', criteria];
  const close = (period: string, now: number, ...extra: string[]) => captured((io) => periodCommand(['close', period, ...common, ...extra], io, {}, '/', () => now));
  const invoice = async (period: string) => {
    const r = await cli('invoice', '--period', period, '--format', 'json', ...common);
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out);
  };
  const storedHash = async (period: string) => JSON.parse((await redis.hget(portalKey(prefix, 11, 'periods'), period))!).sha256 as string;

  beforeAll(async () => {
    redis = connect();
    await seedStates(redis, prefix, 11, [ticket('1'), ticket('2')]);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('refuses a period that has not ended, exit 1, and says when it can be closed', async () => {
    const r = await close('2026-11', Date.parse('2026-11-30T23:59:59Z'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('2026-11 has not ended: it ends at 2026-12-01T00:00:00.000Z');
    expect(await redis.exists(portalKey(prefix, 11, 'periods'))).toBe(0);
  });

  it('closes an ended period: the snapshot is stored with the SHA-256 of its canonical JSON, and the invoice is read from it', async () => {
    const before = await invoice('2026-11');
    const r = await close('2026-11', DEC2);
    expect(r.code, r.err).toBe(0);
    const sha = await storedHash('2026-11');
    expect(r.out).toBe(`closed period 2026-11 of portal 11: 1 line, total 2.00 USD, SHA-256 ${sha}`);
    const stored = JSON.parse((await redis.hget(portalKey(prefix, 11, 'periods'), '2026-11'))!);
    expect(createHash('sha256').update(stored.text).digest('hex')).toBe(sha);
    const after = await invoice('2026-11');
    expect(after).toMatchObject({ state: 'closed', sha256: sha, closedAt: '2026-12-02T12:00:00.000Z', totals: [{ currency: 'USD', amount: '2.00' }] });
    expect(after.lines).toEqual(before.lines);
  });

  it('closing twice is a no-op: exit 0, the same hash, nothing rewritten', async () => {
    const sha = await storedHash('2026-11');
    const r = await close('2026-11', JAN2, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ state: 'already', sha256: sha, closedAt: '2026-12-02T12:00:00.000Z' });
    expect(await storedHash('2026-11')).toBe(sha);
  });

  it('a dispute upheld after close credits December, naming the closed snapshot; November and its hash are unchanged', async () => {
    const sha = await storedHash('2026-11');
    await seedStates(redis, prefix, 11, [ticket('1', upheldInDecember('1'))]);
    const nov = await invoice('2026-11');
    expect(nov).toMatchObject({ state: 'closed', sha256: sha, totals: [{ amount: '2.00' }] });
    expect(nov.lines).toMatchObject([{ kind: 'charge', quantity: 2, outcomeIds: [outcomeIdOf('1'), outcomeIdOf('2')] }]);
    const dec = await invoice('2026-12');
    expect(dec.lines).toMatchObject([{ kind: 'credit', period: '2026-12', creditFor: '2026-11', quantity: -1, amount: '-1.00', outcomeIds: [outcomeIdOf('1')], adjusts: { period: '2026-11', sha256: sha } }]);
    expect(await storedHash('2026-11')).toBe(sha);
  });

  it('a late correction to a closed period becomes an adjustment line on the next open period, naming what it adjusts', async () => {
    const sha = await storedHash('2026-11');
    // Record 3 turns out billable in November (a late signal re-derived it); outcome 2 turns out never billable.
    const lateNovember = outcomeFixture({ recordId: '3', status: 'billable' });
    const reversed = { ...ticket('2').outcomes[0]!, status: 'not_billable' as const, reason: 'reversed' as const, billingPeriod: null };
    await seedStates(redis, prefix, 11, [stateWith('ticket', '3', [lateNovember]), stateWith('ticket', '2', [reversed])]);
    expect((await invoice('2026-11')).sha256).toBe(sha);
    const dec = await invoice('2026-12');
    expect(dec.lines[1]).toEqual({
      kind: 'adjustment',
      period: '2026-12',
      criteriaId: 'resolve',
      criteriaVersion: 1,
      currency: 'USD',
      quantity: 0,
      amount: '0.00',
      adjusts: { period: '2026-11', sha256: sha, line: 'charge', creditFor: null },
      added: [lateNovember.outcomeId],
      removed: [outcomeIdOf('2')],
      outcomeIds: [lateNovember.outcomeId, outcomeIdOf('2')],
      outcomes: [
        { outcomeId: lateNovember.outcomeId, verificationLogUrl: null },
        { outcomeId: outcomeIdOf('2'), verificationLogUrl: null },
      ],
    });
  });

  it('once December closes with the adjustment, January does not carry it again; a newer change to November goes on January', async () => {
    expect((await close('2026-12', JAN2)).code).toBe(0);
    const decSha = await storedHash('2026-12');
    expect((await invoice('2027-01')).lines).toEqual([]);
    await seedStates(redis, prefix, 11, [stateWith('ticket', '4', [outcomeFixture({ recordId: '4', status: 'billable' })])]);
    const jan = await invoice('2027-01');
    expect(jan.lines).toMatchObject([{ kind: 'adjustment', quantity: 1, amount: '1.00', added: ['resolve:ticket:4:2026-11-03#1'], removed: [], adjusts: { period: '2026-11', line: 'charge' } }]);
    expect(await storedHash('2026-12')).toBe(decSha);
  });

  it('refuses while an outcome due to settle inside the period has not been applied, naming it', async () => {
    const p2 = testPrefix('period-pending');
    try {
      const waiting = outcomeFixture({ recordId: '9', status: 'in_review', reviewEndsAt: Date.parse('2026-11-30T23:00:00Z'), settledAt: null, billingPeriod: null });
      await seedStates(redis, p2, 11, [stateWith('ticket', '9', [waiting])]);
      const r = await captured((io) => periodCommand(['close', '2026-11', '--redis-url', REDIS_URL, '--prefix', p2, '--criteria', criteria], io, {}, '/', () => DEC2));
      expect(r.code).toBe(1);
      expect(r.err).toContain(`outcomes.${waiting.outcomeId}`);
      expect(r.err).toContain('still in_review, due to settle at 2026-11-30T23:00:00.000Z inside 2026-11');
      await redis.zadd(portalKey(p2, 11, 'due'), Date.parse('2026-11-30T22:00:00Z'), '11:ticket:9');
      expect((await captured((io) => periodCommand(['close', '2026-11', '--redis-url', REDIS_URL, '--prefix', p2, '--criteria', criteria], io, {}, '/', () => DEC2))).err).toContain(
        'records.ticket:9: has signals or timers due inside 2026-11 that no worker has applied yet',
      );
    } finally {
      await deletePrefix(redis, p2);
    }
  });

  it('a snapshot changed in Redis after close is caught by its hash: the invoice refuses it, exit 1', async () => {
    const p3 = testPrefix('period-tamper');
    try {
      await seedStates(redis, p3, 11, [ticket('1')]);
      const args = ['--redis-url', REDIS_URL, '--prefix', p3, '--criteria', criteria];
      expect((await captured((io) => periodCommand(['close', '2026-11', ...args], io, {}, '/', () => DEC2))).code).toBe(0);
      const stored = JSON.parse((await redis.hget(portalKey(p3, 11, 'periods'), '2026-11'))!);
      await redis.hset(portalKey(p3, 11, 'periods'), '2026-11', JSON.stringify({ ...stored, text: stored.text.replace('"2.00"', '"1.00"').replace('"1.00"', '"0.50"') }));
      const r = await cli('invoice', '--period', '2026-11', ...args);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/the snapshot of closed period 2026-11 does not match its SHA-256 [0-9a-f]{64}: it was changed after close/);
    } finally {
      await deletePrefix(redis, p3);
    }
  });

  it('two closes at once store one snapshot: one says closed, the other already closed, with the same hash', async () => {
    const p4 = testPrefix('period-race');
    try {
      await seedStates(redis, p4, 11, [ticket('1')]);
      const args = ['close', '2026-11', '--redis-url', REDIS_URL, '--prefix', p4, '--criteria', criteria, '--format', 'json'];
      const [a, b] = await Promise.all([captured((io) => periodCommand(args, io, {}, '/', () => DEC2)), captured((io) => periodCommand(args, io, {}, '/', () => DEC2 + 1))]);
      const states = [JSON.parse(a.out), JSON.parse(b.out)];
      expect(states.map((s) => s.state).sort()).toEqual(['already', 'closed']);
      expect(states[0].sha256).toBe(states[1].sha256);
      expect(await redis.hlen(portalKey(p4, 11, 'periods'))).toBe(1);
    } finally {
      await deletePrefix(redis, p4);
    }
  });

  it('usage: a missing or malformed period, or another action, exits 2', async () => {
    expect((await cli('period', 'close', ...common)).code).toBe(2);
    expect((await cli('period', 'close', '11-2026', ...common)).err).toMatch(/not a billing period/);
    expect((await cli('period', 'clsoe', '2026-11', ...common))).toMatchObject({ code: 2, err: expect.stringMatching(/did you mean "close"/) });
    expect((await cli('period', '--help')).code).toBe(0);
  });
});
