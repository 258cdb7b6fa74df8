// `outcome-billing ledger`: the live ledger from Redis in simulate's shapes, one portal at a time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { BASE_CRITERIA, criteriaSet, run } from '../support/scenario.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { cli } from '../support/cli.ts';
import { deploymentKey } from '../../src/adapters/redis/keys.ts';

describe('outcome-billing ledger', () => {
  const prefix = testPrefix('ledger');
  let redis: Redis;
  let criteriaFile: string;
  beforeAll(async () => {
    redis = connect();
    const dir = mkdtempSync(join(tmpdir(), 'ob-ledger-'));
    criteriaFile = join(dir, 'criteria.yaml');
    writeFileSync(criteriaFile, stringify(BASE_CRITERIA));
    const sim = run([{ at: 0, set: { agent_started_at: 'x' } }, { at: 5, set: { stage: 'closed' } }], { criteria: criteriaSet() });
    const state = sim.states.get('ticket:1')!;
    await createRedisSignalStore(redis, prefix).commit({ record: { portalId: 11, objectType: 'ticket', recordId: '1' }, version: 0, state, applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  const ledger = (...extra: string[]) => cli('ledger', '--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', criteriaFile, ...extra);

  it('prints outcomes, invoice and summary as simulate does', async () => {
    await redis.sadd(deploymentKey(prefix, 'portals'), '11');
    const r = await ledger('--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.outcomes).toMatchObject([{ outcomeId: 'resolve:ticket:1:2026-11-03#1', status: 'billable' }]);
    expect(doc.invoice).toMatchObject([{ period: '2026-11', criteriaId: 'resolve', quantity: 1, amount: '1.00' }]);
    expect(doc.summary).toMatchObject({ attempts: 1, billable: 1 });
  });

  it('refuses to rate two portals as one invoice unless one is named', async () => {
    await redis.sadd(deploymentKey(prefix, 'portals'), '22');
    const r = await ledger();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/several portals are stored \(11, 22\): name one with --portal/);
    expect((await ledger('--portal', '11', '--format', 'json')).code).toBe(0);
  });

  it('refuses a prefix with braces, as the service does: it places the hash tags itself', async () => {
    const r = await cli('ledger', '--redis-url', REDIS_URL, '--prefix', '{ob}', '--criteria', criteriaFile);
    expect(r.code).toBe(1);
    expect(r.err).toContain('the key prefix "{ob}" must be letters, digits, and _ . : - only');
  });

  it('says so when Redis cannot be reached, exit 1', async () => {
    const r = await cli('ledger', '--redis-url', 'redis://127.0.0.1:1', '--criteria', criteriaFile);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot reach Redis/);
  });

  it('an unreachable Redis is named without its password, with the reason and what to do, not only "Connection is closed."', async () => {
    const r = await cli('ledger', '--redis-url', 'redis://:hunter2@127.0.0.1:1/0', '--criteria', criteriaFile);
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot reach Redis at redis://127.0.0.1:1/0 (connection refused)');
    expect(r.err).toMatch(/--redis-url or REDIS_URL/);
    expect(r.err).not.toContain('hunter2');
    expect(r.err).not.toMatch(/Connection is closed/);
  });
});
