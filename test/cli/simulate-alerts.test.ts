// `simulate` prints the budget alerts the replay fires (contract §8; cli.md is silent, docs/decisions.md says why): JSON `alerts` and a table section.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.ts';

const EXAMPLE = join(import.meta.dirname, '../../../shared/examples-next/dispute-credits');
const VERSION = {
  id: 'route', name: 'Routed within ten minutes', owner: 'revops@example.com', object: 'contact', timezone: 'UTC',
  trigger: { property: 'agent_go' }, success: "stage = 'won'", within: '10m',
  price: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 2, unit_amount: '10.00' }, { up_to: 3, unit_amount: '6.00' }, { up_to: null, unit_amount: '4.00' }] },
};

/** The worked example's criteria with a budget; v2 (from December) lowers it. */
function criteria(v1Budget: object, v2Budget: object): string {
  const versions = [
    { ...VERSION, version: 1, effective_from: '2026-01-01T00:00:00Z', budget: v1Budget },
    { ...VERSION, version: 2, effective_from: '2026-12-01T00:00:00Z', change_notes: 'December budget.', budget: v2Budget },
  ];
  return tempFile('criteria.yaml', stringify({ criteria: versions }), 'ob-alerts-');
}

const args = (criteriaPath: string, ...more: string[]) => [
  'simulate', '--criteria', criteriaPath, '--events', join(EXAMPLE, 'events.json'), '--records', join(EXAMPLE, 'records.json'), '--actions', join(EXAMPLE, 'actions.json'), ...more,
];

describe('simulate: budget alerts', () => {
  it('JSON: each threshold once, at the settlement that reaches it, with charge and expected; none past the credits', async () => {
    // November: 10.00, 20.00 (50 % of 40.00 at 10:02), 26.00, 30.00 (75 % at 10:04); the credit on Nov 25 takes it to 26.00, 90 % never.
    const r = await cli(...args(criteria({ expected: '40.00' }, { expected: '40.00' }), '--format', 'json'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.alerts).toEqual([
      { criteriaId: 'route', period: '2026-11', threshold: 50, charge: '20.00', expected: '40.00', currency: 'USD', at: '2026-11-03T10:02:00.000Z' },
      { criteriaId: 'route', period: '2026-11', threshold: 75, charge: '30.00', expected: '40.00', currency: 'USD', at: '2026-11-03T10:04:00.000Z' },
    ]);
  });

  it('December uses the budget of the version in force then, and the table shows the alerts', async () => {
    // December: the credit of a November outcome (−6.00, upheld Dec 2 09:00) then 105 settles (+10.00): 4.00, which is 40 % of 10.00.
    const r = await cli(...args(criteria({ expected: '40.00' }, { expected: '10.00', alerts: [40, 41] })));
    expect(r.code).toBe(0);
    expect(r.out).toContain('Budget alerts (3)');
    expect(r.out).toMatch(/2026-12-02 10:01:00Z\s+route\s+2026-12\s+40 %\s+4\.00 USD\s+10\.00 USD/);
    expect(r.out).not.toMatch(/41 %/);
  });

  it('without a budget: an empty list, and no table section', async () => {
    const plain = tempFile('criteria.yaml', readFileSync(join(EXAMPLE, 'criteria.yaml'), 'utf8'), 'ob-alerts-');
    expect(JSON.parse((await cli(...args(plain, '--format', 'json'))).out).alerts).toEqual([]);
    expect((await cli(...args(plain))).out).not.toContain('Budget alerts');
  });
});
