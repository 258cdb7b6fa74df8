// What the app home page reads besides the ledger: the alerts fired and each criteria version's budget, both owned by the budgets work (issue 9, item 4).
import type { Budget } from '../core/budget.ts';
import type { CriteriaVersion } from '../core/criteria/types.ts';
import type { FiredAlert } from './alert-ports.ts';

/** One alert as the alert store keeps it (src/app/alert-ports.ts). */
export type { FiredAlert };

export interface FiredAlerts {
  listFiredAlerts(portalId: number, period: string): Promise<FiredAlert[]>;
}

/** Without an alert store the home page shows no alerts, not an error. */
export const noFiredAlerts: FiredAlerts = { listFiredAlerts: async () => [] };

/** A version's budget (contract §8) in minor units of its price's currency: the criteria's compiled `budget`. */
export type { Budget };

/** The budget of a version, or null: its `budget` block (src/main passes `(v) => v.budget`). */
export type BudgetOf = (version: CriteriaVersion) => Budget | null;
export const noBudget: BudgetOf = () => null;
