// Use case: which of a portal's outcomes are over their budget limit now (contract §8), read off its whole ledger, for the write-back and the card.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { overLimitOf } from '../core/ledger-view.ts';
import { portalOutcomes } from './ledger-outcomes.ts';
import type { LedgerStore } from './ledger-outcomes.ts';
import type { SignalStore } from './ports.ts';

/** The ids of a portal's outcomes over limit, as the invoice rates them now. */
export interface OverLimitReader {
  overLimit(portalId: number): Promise<ReadonlySet<string>>;
}

const NONE: ReadonlySet<string> = new Set();

/** Whether any version of the criteria sets a limit: without one, nothing can be over it. */
export const anyLimit = (criteria: CriteriaSet): boolean => criteria.versions().some((v) => v.budget !== null && v.budget.limitMinor !== null);

/**
 * Over limit depends on every outcome of an id's period, on any record, in settlement order: a record's
 * own state cannot say it, and an outcome processed late may settle earlier than others. So it is read
 * off the portal's whole ledger, as `invoice` and `simulate` read it; without a limit in the criteria
 * this reads nothing.
 */
export function overLimitFromLedger(store: Pick<SignalStore, 'listRecords'> & LedgerStore, criteria: () => CriteriaSet): OverLimitReader {
  return {
    async overLimit(portalId) {
      const set = criteria();
      if (!anyLimit(set)) return NONE;
      return overLimitOf(await portalOutcomes(store, portalId), set);
    },
  };
}

/** Sets `overLimit` on these outcomes of one portal from the marks. */
export function applyOverLimit(outcomes: Iterable<Outcome>, marks: ReadonlySet<string>): void {
  for (const o of outcomes) o.overLimit = marks.has(o.outcomeId);
}
