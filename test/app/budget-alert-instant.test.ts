// Live budget checks rate the charge as of the check's instant (contract §8, docs/decisions.md "Budget alerts"): a credit upheld later in event time but committed first must not hide a threshold that `simulate` fires.
import { describe, expect, it } from 'vitest';
import type { AlertStore, ChargeCheck, FiredAlert } from '../../src/app/alert-ports.ts';
import { checkCharges } from '../../src/app/budget-alerts.ts';
import { counterFields } from '../../src/core/alerts/charge-counts.ts';
import { budgetAlerts, budgetAtOf, priceOfVersions } from '../../src/core/alerts/thresholds.ts';
import type { CriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { outcomeFixture } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const PORTAL = 8;
const t = (minutes: number): number => Date.parse('2026-11-03T10:00:00Z') + minutes * 60_000;

/** The ledger of the example: B settles at t5, A at t10 (the charge reaches 100 % of 2.00), B's credit is upheld at t20. */
function ledger(): Outcome[] {
  const b = outcomeFixture({ recordId: 'b', status: 'credited', settledAt: t(5), creditedAt: t(20), creditPeriod: '2026-11' });
  const a = outcomeFixture({ recordId: 'a', status: 'billable', settledAt: t(10) });
  return [b, a];
}

/** An alert store over fixed counters (those of `outcomes`), remembering what fired: the two calls checkCharges makes. */
function storeOver(outcomes: readonly Outcome[], fired: Set<number>): AlertStore {
  const store: Pick<AlertStore, 'snapshot' | 'claim'> = {
    snapshot: async () => ({ counters: Object.fromEntries([...counterFields(outcomes)].map(([f, n]) => [f, String(n)])), revision: '1', fired: new Set(fired) }),
    claim: async (_check: ChargeCheck, _revision: string, alerts: readonly FiredAlert[]) => {
      const fresh = alerts.filter((a) => !fired.has(a.threshold));
      for (const a of fresh) fired.add(a.threshold);
      return fresh;
    },
  };
  return store as AlertStore;
}

async function checkA(criteria: CriteriaSet): Promise<number[]> {
  const outcomes = ledger();
  // B's own check ran at t5 and fired 50 %; B's credit was committed before A's settlement was checked.
  const fired = new Set([50]);
  const deps = { alerts: storeOver(outcomes, fired), criteria: () => criteria, clock: () => t(30), ledger: async () => outcomes };
  const recorded = await checkCharges(deps, [{ portalId: PORTAL, criteriaId: 'resolve', period: '2026-11', at: t(10) }]);
  return recorded.map((a) => a.threshold);
}

describe('a live check rates credits upheld at or before its instant only', () => {
  it('from the counters: fires at A’s settlement what simulate fires there, despite B’s later credit', async () => {
    const criteria = criteriaSet({ budget: { expected: '2.00' } });
    const simulated = budgetAlerts(ledger(), priceOfVersions(criteria), budgetAtOf(criteria));
    expect(simulated.filter((a) => a.firedAt === t(10)).map((a) => a.threshold)).toEqual([75, 90]);
    expect(await checkA(criteria)).toEqual([75, 90]);
  });

  it('from the ledger (an id with a limit): the same', async () => {
    expect(await checkA(criteriaSet({ budget: { expected: '2.00', limit: '10.00' } }))).toEqual([75, 90]);
  });
});
