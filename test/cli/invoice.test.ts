// `outcome-billing invoice`: a period's lines with their outcome ids and verification-log URLs, as a table, JSON and CSV, broken down by criteria, cost centre or agent.
import { parse } from 'csv-parse/sync';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineMinor } from '../../src/core/invoice/adjustments.ts';
import { formatAmount } from '../../src/core/money.ts';
import { cli } from '../support/cli.ts';
import { outcomeFixture, stateWith } from '../support/hubspot-double.ts';
import { criteriaFile, markLogWritten, seedStates } from '../support/ledger-seed.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';

const GRADUATED = { price: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 2, unit_amount: '1.00' }, { up_to: null, unit_amount: '0.55' }] } };
const DEC3 = Date.parse('2026-12-03T09:00:00Z');

/** Four outcomes billed in November (2 × 1.00 + 2 × 0.55 = 3.10); the fourth credited on 3 December. */
function november() {
  const o = (recordId: string, costCentre: string | null, agentId: string | null, over: object = {}) =>
    outcomeFixture({ recordId, status: 'billable', costCentre, agentId, ...over });
  return [
    o('1', 'sales', 'userId:7'),
    o('2', 'sales', 'userId:8'),
    o('3', 'support', 'userId:7'),
    o('4', null, null, { status: 'credited', creditedAt: DEC3, creditPeriod: '2026-12' }),
  ];
}

const csvRows = (text: string) => parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const sum = (amounts: readonly string[]) => formatAmount(amounts.reduce((s, a) => s + lineMinor(a, 'USD'), 0n), 'USD');

describe('outcome-billing invoice', () => {
  const prefix = testPrefix('invoice');
  let redis: Redis;
  const criteria = criteriaFile(GRADUATED);
  const outcomes = november();
  const invoice = (...args: string[]) => cli('invoice', '--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', criteria, ...args);

  beforeAll(async () => {
    redis = connect();
    await seedStates(redis, prefix, 11, outcomes.map((o) => stateWith('ticket', o.recordId, [o])));
    await markLogWritten(redis, prefix, 11, outcomes[0]!.outcomeId, '9001');
    await markLogWritten(redis, prefix, 11, outcomes[3]!.outcomeId, '9004');
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('JSON: simulate’s line with its outcome ids, and each outcome’s verification-log URL (null until written)', async () => {
    const r = await invoice('--period', '2026-11', '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ portalId: 11, period: '2026-11', state: 'open', sha256: null, totals: [{ currency: 'USD', amount: '3.10' }] });
    expect(doc.lines).toHaveLength(1);
    const line = doc.lines[0];
    expect(line).toMatchObject({ kind: 'charge', criteriaId: 'resolve', criteriaVersion: 1, quantity: 4, amount: '3.10', outcomeIds: outcomes.map((o) => o.outcomeId) });
    expect(line.tiers).toEqual([
      { from: 1, to: 2, quantity: 2, unitAmount: '1.00', amount: '2.00' },
      { from: 3, to: null, quantity: 2, unitAmount: '0.55', amount: '1.10' },
    ]);
    expect(line.outcomes[0]).toEqual({ outcomeId: outcomes[0]!.outcomeId, verificationLogUrl: 'https://app.hubspot.com/contacts/11/record/p11_ob_verification_log/9001' });
    expect(line.outcomes[1].verificationLogUrl).toBeNull();
  });

  it('the credit of an outcome upheld in December is on December’s invoice, re-rated at the tier it leaves', async () => {
    const doc = JSON.parse((await invoice('--period', '2026-12', '--format', 'json')).out);
    expect(doc.lines).toMatchObject([{ kind: 'credit', period: '2026-12', creditFor: '2026-11', quantity: -1, amount: '-0.55', outcomeIds: [outcomes[3]!.outcomeId] }]);
    expect(doc.lines[0].outcomes[0].verificationLogUrl).toMatch(/\/9004$/);
    expect(doc.totals).toEqual([{ currency: 'USD', amount: '-0.55' }]);
  });

  it('--by cost-centre: each line’s parts and the groups sum exactly to the invoice, an uneven amount shared to the cent', async () => {
    const doc = JSON.parse((await invoice('--period', '2026-11', '--format', 'json', '--by', 'cost-centre')).out);
    // 310 cents over 4 outcomes: 78, 78, 77, 77 in line order.
    expect(doc.lines[0].breakdown).toEqual([
      { group: 'sales', quantity: 2, amount: '1.56', outcomeIds: [outcomes[0]!.outcomeId, outcomes[1]!.outcomeId] },
      { group: 'support', quantity: 1, amount: '0.77', outcomeIds: [outcomes[2]!.outcomeId] },
      { group: null, quantity: 1, amount: '0.77', outcomeIds: [outcomes[3]!.outcomeId] },
    ]);
    expect(doc.by).toBe('cost-centre');
    expect(sum(doc.byGroup.map((g: { amount: string }) => g.amount))).toBe('3.10');
  });

  it('--by agent groups by the opening press’s source', async () => {
    const doc = JSON.parse((await invoice('--period', '2026-11', '--format', 'json', '--by', 'agent')).out);
    expect(doc.byGroup).toEqual([
      { group: 'userId:7', currency: 'USD', quantity: 2, amount: '1.55' },
      { group: 'userId:8', currency: 'USD', quantity: 1, amount: '0.78' },
      { group: null, currency: 'USD', quantity: 1, amount: '0.77' },
    ]);
  });

  it('CSV parses back with a CSV parser and its amount column sums to the invoice, with and without a breakdown', async () => {
    for (const by of [[], ['--by', 'cost-centre'], ['--by', 'agent'], ['--by', 'criteria']]) {
      const r = await invoice('--period', '2026-11', '--format', 'csv', ...by);
      expect(r.code).toBe(0);
      const rows = csvRows(r.out);
      expect(sum(rows.map((row) => row.amount!))).toBe('3.10');
      expect(rows.reduce((n, row) => n + Number(row.quantity), 0)).toBe(4);
      expect(rows.flatMap((row) => row.outcome_ids!.split(' ')).sort()).toEqual(outcomes.map((o) => o.outcomeId).sort());
    }
    const plain = csvRows((await invoice('--period', '2026-11', '--format', 'csv')).out);
    expect(plain[0]).toMatchObject({ period: '2026-11', kind: 'charge', criteria_id: 'resolve', criteria_version: '1', currency: 'USD', quantity: '4', amount: '3.10' });
    expect(plain[0]!.verification_log_urls!.split(' ')).toEqual(['https://app.hubspot.com/contacts/11/record/p11_ob_verification_log/9001', '-', '-', 'https://app.hubspot.com/contacts/11/record/p11_ob_verification_log/9004']);
    const dec = csvRows((await invoice('--period', '2026-12', '--format', 'csv')).out);
    expect(dec).toMatchObject([{ kind: 'credit', credit_for: '2026-11', quantity: '-1', amount: '-0.55' }]);
  });

  it('the table names the period’s state, its lines and the total', async () => {
    const r = await invoice('--period', '2026-11', '--by', 'cost-centre');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Invoice 2026-11 for portal 11: open');
    expect(r.out).toMatch(/resolve\s+v1\s+charge\s+sales\s+2\s+1\.56 USD\s+2/);
    expect(r.out).toContain('Total: 3.10 USD');
  });

  it('a period with nothing billed is an empty invoice, not an error', async () => {
    const doc = JSON.parse((await invoice('--period', '2026-10', '--format', 'json')).out);
    expect(doc).toMatchObject({ lines: [], totals: [] });
  });

  it('usage errors exit 2 and say what is wrong', async () => {
    expect(await invoice('--period', '2026-13')).toMatchObject({ code: 2, err: expect.stringMatching(/not a billing period/) });
    expect(await invoice()).toMatchObject({ code: 2, err: expect.stringMatching(/needs a billing period/) });
    expect(await invoice('--period', '2026-11', '--by', 'team')).toMatchObject({ code: 2, err: expect.stringMatching(/--by must be one of criteria, cost-centre, agent/) });
    expect(await invoice('--period', '2026-11', '--format', 'xml')).toMatchObject({ code: 2, err: expect.stringMatching(/--format must be table, json or csv/) });
    expect(await invoice('--period', '2026-11', '--portal', 'abc')).toMatchObject({ code: 2 });
  });

  it('an unknown portal or prefix is bad input (exit 1), not an empty invoice', async () => {
    const r = await cli('invoice', '--redis-url', REDIS_URL, '--prefix', `${prefix}-nothing`, '--criteria', criteria, '--period', '2026-11');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no portal is stored under the key prefix/);
  });
});
