// The live `invoice` and `ledger` with a budget limit (contract §8): over-limit lines in JSON, the table and CSV (which still sums to the invoice), and over-limit outcomes marked from the whole ledger.
import { parse } from 'csv-parse/sync';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineMinor } from '../../src/core/invoice/adjustments.ts';
import { formatAmount } from '../../src/core/money.ts';
import { cli } from '../support/cli.ts';
import { outcomeFixture, stateWith } from '../support/hubspot-double.ts';
import { criteriaFile, seedStates } from '../support/ledger-seed.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';

/** 1.00 each, at most 2.00 a month. */
const LIMITED = { price: { currency: 'USD', model: 'flat', unit_amount: '1.00' }, budget: { expected: '2.00', limit: '2.00' } };
const DEC3 = Date.parse('2026-12-03T09:00:00Z');
const MIN = 60_000;

/** Four outcomes on four records settled a minute apart in November: 3 and 4 are over limit, and 4 is credited in December. */
function november() {
  const o = (recordId: string, costCentre: string | null, over: object = {}) => {
    const base = outcomeFixture({ recordId, status: 'billable', costCentre, ...over });
    return { ...base, settledAt: base.settledAt! + Number(recordId) * MIN };
  };
  return [o('1', 'sales'), o('2', 'support'), o('3', 'sales'), o('4', null, { status: 'credited', creditedAt: DEC3, creditPeriod: '2026-12' })];
}

const csvRows = (text: string) => parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const sum = (amounts: readonly string[]) => formatAmount(amounts.reduce((s, a) => s + lineMinor(a, 'USD'), 0n), 'USD');

describe('invoice and ledger with a budget limit', () => {
  const prefix = testPrefix('invoice-limits');
  let redis: Redis;
  const criteria = criteriaFile(LIMITED);
  const outcomes = november();
  const ids = outcomes.map((o) => o.outcomeId);
  const invoice = (...args: string[]) => cli('invoice', '--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', criteria, ...args);

  beforeAll(async () => {
    redis = connect();
    await seedStates(redis, prefix, 11, outcomes.map((o) => stateWith('ticket', o.recordId, [o])));
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('JSON: the charge line counts the charged outcomes, the over_limit line the rest with wouldHaveCost, each with its outcome ids', async () => {
    const doc = JSON.parse((await invoice('--period', '2026-11', '--format', 'json')).out);
    expect(doc.totals).toEqual([{ currency: 'USD', amount: '2.00' }]);
    expect(doc.lines).toMatchObject([
      { kind: 'charge', quantity: 2, amount: '2.00', outcomeIds: ids.slice(0, 2) },
      { kind: 'over_limit', criteriaId: 'resolve', criteriaVersion: 1, currency: 'USD', quantity: 2, amount: '0.00', wouldHaveCost: '2.00', outcomeIds: ids.slice(2) },
    ]);
    expect(doc.lines[1].outcomes.map((o: { outcomeId: string }) => o.outcomeId)).toEqual(ids.slice(2));
  });

  it('the credit of an over-limit outcome credits nothing: December has no line', async () => {
    const doc = JSON.parse((await invoice('--period', '2026-12', '--format', 'json')).out);
    expect(doc).toMatchObject({ lines: [], totals: [] });
  });

  it('table: the over-limit line says what it would have cost', async () => {
    const r = await invoice('--period', '2026-11');
    expect(r.out).toMatch(/resolve\s+v1\s+over limit, would have cost 2\.00\s+2\s+0\.00 USD\s+2/);
    expect(r.out).toContain('Total: 2.00 USD');
  });

  it('CSV: an over_limit row with would_have_cost; the amount column still sums to the invoice, with and without a breakdown', async () => {
    for (const by of [[], ['--by', 'cost-centre']]) {
      const rows = csvRows((await invoice('--period', '2026-11', '--format', 'csv', ...by)).out);
      expect(sum(rows.map((row) => row.amount!))).toBe('2.00');
      expect(rows.filter((row) => row.kind === 'charge').every((row) => row.would_have_cost === '')).toBe(true);
    }
    const plain = csvRows((await invoice('--period', '2026-11', '--format', 'csv')).out);
    expect(plain[1]).toMatchObject({ kind: 'over_limit', quantity: '2', amount: '0.00', would_have_cost: '2.00', outcome_ids: ids.slice(2).join(' ') });
    const byCentre = csvRows((await invoice('--period', '2026-11', '--format', 'csv', '--by', 'cost-centre')).out).filter((row) => row.kind === 'over_limit');
    expect(byCentre.map((row) => [row.group, row.quantity, row.amount])).toEqual([['sales', '1', '0.00'], ['', '1', '0.00']]);
  });

  it('ledger: the outcomes over limit are marked, read off the whole ledger though each is on its own record', async () => {
    const r = await cli('ledger', '--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', criteria, '--format', 'json');
    const doc = JSON.parse(r.out);
    expect(doc.outcomes.map((o: { overLimit: boolean }) => o.overLimit)).toEqual([false, false, true, true]);
    expect(doc.invoice.map((l: { kind: string; period: string }) => `${l.period} ${l.kind}`)).toEqual(['2026-11 charge', '2026-11 over_limit']);
  });
});
