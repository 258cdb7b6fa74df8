// `simulate` with a budget limit (contract §8, cli.md): over-limit outcomes in the outcome JSON, `over_limit` invoice lines with `wouldHaveCost` in JSON and the table, and a credit of one that credits nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.ts';

const EXAMPLE = join(import.meta.dirname, '../../../shared/examples-next/dispute-credits');
const BY = { userId: 7, email: 'ana@example.com' };

/** The worked example's criteria (graduated: 2 at 10.00, the 3rd at 6.00, the rest at 4.00) with a limit of 26.00 a month. */
const criteria = (): string =>
  tempFile('criteria.yaml', `${readFileSync(join(EXAMPLE, 'criteria.yaml'), 'utf8')}budget: { expected: "20.00", limit: "26.00" }\n`, 'ob-limits-');

/** The example's disputes (101 and 103 upheld, 102 rejected, 105 upheld), and 104, over limit, disputed and upheld. */
const actions = (): string => {
  const example = JSON.parse(readFileSync(join(EXAMPLE, 'actions.json'), 'utf8')) as object[];
  const id = 'route:contact:104:2026-11-03#1';
  const extra = [
    { type: 'open_dispute', at: '2026-11-21T09:00:00Z', by: BY, outcomeId: id, reason: 'Not ours' },
    { type: 'resolve_dispute', at: '2026-11-26T09:00:00Z', by: BY, outcomeId: id, resolution: 'upheld', note: 'Agreed' },
  ];
  return tempFile('actions.json', JSON.stringify([...example, ...extra]), 'ob-limits-');
};

const args = (format: string) => ['simulate', '--criteria', criteria(), '--events', join(EXAMPLE, 'events.json'), '--records', join(EXAMPLE, 'records.json'), '--actions', actions(), '--format', format];

describe('simulate: budget limits (contract §8)', () => {
  it('JSON: the 4th November outcome is over limit, billable then credited for nothing; the invoice lists it as an over_limit line', async () => {
    const r = await cli(...args('json'));
    expect(r).toMatchObject({ code: 0, err: '' });
    const doc = JSON.parse(r.out);
    const byRecord = Object.fromEntries(doc.outcomes.map((o: { recordId: string }) => [o.recordId, o]));
    expect(byRecord['104']).toMatchObject({ status: 'credited', overLimit: true, billingPeriod: '2026-11', creditPeriod: '2026-11' });
    expect(['101', '102', '103', '105'].map((id) => byRecord[id].overLimit)).toEqual([false, false, false, false]);
    expect(doc.invoice.map(({ tiers: _t, ...l }: { tiers?: unknown }) => l)).toEqual([
      // rate(3) = 26.00 is the limit: the 4th (rate 30.00) is over it.
      { kind: 'charge', period: '2026-11', criteriaId: 'route', criteriaVersion: 1, currency: 'USD', quantity: 3, amount: '26.00' },
      { kind: 'over_limit', period: '2026-11', criteriaId: 'route', criteriaVersion: 1, currency: 'USD', quantity: 1, amount: '0.00', wouldHaveCost: '4.00' },
      // 101 upheld in November: n = 3 charged, rate(3) − rate(2); 104's upheld dispute makes no credit line.
      { kind: 'credit', period: '2026-11', criteriaId: 'route', criteriaVersion: 1, currency: 'USD', quantity: -1, amount: '-6.00', creditFor: '2026-11' },
      { kind: 'charge', period: '2026-12', criteriaId: 'route', criteriaVersion: 1, currency: 'USD', quantity: 1, amount: '10.00' },
      // 103 upheld in December, the November line's second credit: rate(2) − rate(1).
      { kind: 'credit', period: '2026-12', criteriaId: 'route', criteriaVersion: 1, currency: 'USD', quantity: -1, amount: '-10.00', creditFor: '2026-11' },
      { kind: 'credit', period: '2026-12', criteriaId: 'route', criteriaVersion: 1, currency: 'USD', quantity: -1, amount: '-10.00', creditFor: '2026-12' },
    ]);
  });

  it('table: the over-limit line says it was not charged and what it would have cost', async () => {
    const r = await cli(...args('table'));
    expect(r.code).toBe(0);
    const row = r.out.split('\n').find((l) => l.startsWith('2026-11') && l.includes('over limit'));
    expect(row?.split(/\s{2,}/)).toEqual(['2026-11', 'route', 'v1', 'over limit', '1', '0.00 USD', 'not charged: would have cost 4.00 USD']);
    expect(r.out).toMatch(/route:contact:104:2026-11-03#1 +v1 +credited \(over limit\) /);
    expect(r.out).toContain('· billable 1 · credited 4 · over limit 1 (not charged)');
  });
});
