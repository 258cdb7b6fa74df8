// Use case: what the app home page reads (docs/card-api.md, "The home page"): per criteria id, a period's charge against its budget, the forecast, the funnel, reasons, disputes and alerts, and each period's state.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { CriteriaVersion } from '../core/criteria/types.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { forecastsAt } from '../core/forecast-inputs.ts';
import type { IdForecast } from '../core/forecast-inputs.ts';
import { toNumber } from '../core/forecast.ts';
import { openPeriodLines } from '../core/invoice/adjustments.ts';
import type { ClosedPeriod } from '../core/invoice/adjustments.ts';
import { ratedLinesByPeriod } from '../core/invoice/lines.ts';
import type { PeriodLine } from '../core/invoice/lines.ts';
import { formatAmount } from '../core/money.ts';
import { chargeOf, periodFigures } from '../core/period-figures.ts';
import type { Problem } from '../core/problems.ts';
import { billingPeriodOf, isoUtc } from '../core/time.ts';
import { noBudget, noFiredAlerts } from './home-ports.ts';
import type { Budget, BudgetOf, FiredAlert, FiredAlerts } from './home-ports.ts';
import { readClosedEach } from './invoices.ts';
import { portalOutcomes } from './ledger-outcomes.ts';
import type { LedgerStore } from './ledger-outcomes.ts';
import type { PeriodStore } from './period-ports.ts';
import type { SignalStore } from './ports.ts';
import type { ReconcileResults, ReconcileSummary } from './reconcile-ports.ts';
import { homeCriteria } from './home-criteria.ts';
import type { HomeCriteria } from './home-criteria.ts';

export interface HomeViewDeps {
  readonly store: Pick<SignalStore, 'listRecords'> & LedgerStore;
  readonly criteria: () => CriteriaSet;
  readonly periods: PeriodStore;
  readonly reconciles: Pick<ReconcileResults, 'latest'>;
  /** The alerts fired; without it none are shown. */
  readonly alerts?: FiredAlerts;
  /** Each version's budget as the page shows it; without it none is shown. The forecast holds to the criteria's own limit either way, as the invoice does. */
  readonly budgetOf?: BudgetOf;
  /** Epoch ms: the forecast's `now`. */
  readonly clock: () => number;
}

export interface PeriodState {
  readonly period: string;
  /** `snapshot_changed`: closed, but its snapshot no longer matches its hash (changed after close): its figures are not shown. */
  readonly state: 'open' | 'closed' | 'snapshot_changed';
  /** ISO 8601 UTC, for a closed period whose snapshot is intact. */
  readonly closedAt: string | null;
  readonly lastReconcile: ReconcileSummary | null;
}

export interface HomePage {
  readonly period: string;
  /** When the figures were read, ISO 8601 UTC. */
  readonly asOf: string;
  readonly criteria: readonly HomeCriteria[];
  /** Every period the ledger, the closes or the reconciles know, newest first. */
  readonly periods: readonly PeriodState[];
}

/** The period asked for is closed and its snapshot no longer matches its hash: the figures would not be its invoice's. */
export type HomeResult = { readonly ok: true; readonly value: HomePage } | { readonly ok: false; readonly problems: readonly Problem[] };

export interface HomeView {
  /** `period` defaults to the latest current period of the ids in force. */
  home(portalId: number, period: string | undefined): Promise<HomeResult>;
}

export function createHomeView(deps: HomeViewDeps): HomeView {
  const budgetOf = deps.budgetOf ?? noBudget;
  const alerts = deps.alerts ?? noFiredAlerts;
  return {
    async home(portalId, asked) {
      const now = deps.clock();
      const criteria = deps.criteria();
      const period = asked ?? currentPeriod(criteria, now);
      const [outcomes, closedRead, reconciles, fired] = await Promise.all([
        portalOutcomes(deps.store, portalId),
        readClosedEach(deps.periods, portalId),
        deps.reconciles.latest(portalId),
        alerts.listFiredAlerts(portalId, period),
      ]);
      // A changed snapshot fails its own period only: the others answer, with it marked in `periods`.
      const { closed, changed } = closedRead;
      const refused = changed.get(period);
      if (refused !== undefined) return { ok: false, problems: [refused] };
      const linesOf = invoiceLines(outcomes, criteria, closed);
      const ids = [...new Set(criteria.versions().map((v) => v.id))].sort();
      // The forecast's charge so far is the same invoice's: each id's current period, adjustments included.
      const current = [...new Set(ids.flatMap((id) => inForceZone(criteria, id, now)).map((zone) => billingPeriodOf(now, zone)))];
      const forecasts = forecastsAt(outcomes, current.flatMap(linesOf), criteria, now);
      const lines = linesOf(period);
      const rows = ids.map((id) => {
        const version = shownVersion(criteria, id, now);
        const own = outcomes.filter((o) => o.criteriaId === id);
        const forecast = forecasts.find((f) => f.criteriaId === id && f.period === period) ?? null;
        return idRow({ version, own, lines, forecast, budget: budgetOf(version), fired: fired.filter((a) => a.criteriaId === id), period, now, criteria });
      });
      const periods = periodStates(outcomes, [...closed].map(([p, c]) => [p, c.snapshot.closedAt] as const), [...changed.keys()], reconciles, period);
      return { ok: true, value: { period, asOf: isoUtc(now), criteria: rows, periods } };
    },
  };
}

interface RowInput {
  readonly version: CriteriaVersion;
  readonly own: readonly Outcome[];
  readonly lines: readonly PeriodLine[];
  readonly forecast: IdForecast | null;
  readonly budget: Budget | null;
  readonly fired: readonly FiredAlert[];
  readonly period: string;
  readonly now: number;
  readonly criteria: CriteriaSet;
}

function idRow(r: RowInput): HomeCriteria {
  const currency = r.version.price.currency;
  const figures = periodFigures(r.own, r.period, r.version.timezone, (o) => r.criteria.get(o.criteriaId, o.criteriaVersion).timezone, r.now);
  const { chargeMinor, unitSpendMinor } = chargeOf(r.lines, r.version.id, currency);
  return homeCriteria({ version: r.version, currency, chargeMinor, unitSpendMinor, budget: r.budget, forecast: r.forecast, figures, fired: r.fired, money: (m) => formatAmount(m, currency), number: toNumber });
}

/** A period's invoice lines: its snapshot once closed, else the ledger's lines with the adjustments it carries. Rated once per request. */
function invoiceLines(outcomes: readonly Outcome[], criteria: CriteriaSet, closed: ReadonlyMap<string, ClosedPeriod>): (period: string) => readonly PeriodLine[] {
  const rated = ratedLinesByPeriod(outcomes, criteria);
  return (period) => closed.get(period)?.snapshot.lines ?? openPeriodLines(period, rated, closed);
}

const inForceZone = (criteria: CriteriaSet, id: string, now: number): string[] => {
  const v = criteria.inForce(id, now);
  return v === null ? [] : [v.timezone];
};

/** The version in force now, else the latest (an id not in force yet still shows its name). */
function shownVersion(criteria: CriteriaSet, id: string, now: number): CriteriaVersion {
  return criteria.inForce(id, now) ?? criteria.versions().filter((v) => v.id === id).at(-1)!;
}

/** The latest of the ids' current months, each in its zone (UTC only when no id is in force), so some id's forecast shows. */
function currentPeriod(criteria: CriteriaSet, now: number): string {
  const zones = criteria.versions().flatMap((v) => inForceZone(criteria, v.id, now));
  return (zones.length === 0 ? ['UTC'] : zones).map((z) => billingPeriodOf(now, z)).sort().at(-1)!;
}

function periodStates(outcomes: readonly Outcome[], closed: readonly (readonly [string, string])[], changed: readonly string[], reconciles: Record<string, ReconcileSummary>, shown: string): PeriodState[] {
  const closedAt = new Map(closed);
  const bad = new Set(changed);
  const known = new Set<string>([shown, ...closedAt.keys(), ...bad, ...Object.keys(reconciles)]);
  for (const o of outcomes) if (o.billingPeriod !== null) known.add(o.billingPeriod);
  return [...known]
    .sort()
    .reverse()
    .map((period) => ({ period, state: bad.has(period) ? 'snapshot_changed' : closedAt.has(period) ? 'closed' : 'open', closedAt: closedAt.get(period) ?? null, lastReconcile: reconciles[period] ?? null }));
}
