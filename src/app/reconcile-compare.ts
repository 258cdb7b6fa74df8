// Reconcile's three-way comparison (no I/O): the ledger, the period's invoice and the verification log read back from HubSpot, every mismatch named with what differs and where.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { PeriodLine } from '../core/invoice/lines.ts';
import type { Price } from '../core/price.ts';
import type { LogRecord } from './reconcile-ports.ts';
import { verificationLogProperties } from './writeback-payloads.ts';

export const MISMATCH_KINDS = [
  'missing_in_hubspot',
  'extra_in_hubspot',
  'status_differs',
  'version_differs',
  'amount_differs',
  'period_differs',
  'missing_in_ledger',
] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface Mismatch {
  readonly kind: MismatchKind;
  readonly outcomeId: string;
  /** What each side says (null where that side has nothing). */
  readonly ledger: string | null;
  readonly invoice: string | null;
  readonly hubspot: string | null;
  /** The verification-log record in HubSpot, when there is one. */
  readonly logId: string | null;
  /** How `--repair` fixes it: write the log again, archive a log with no outcome, or nothing from the HubSpot side. */
  readonly repair: 'write_back' | 'archive' | null;
}

export interface CompareInput {
  readonly period: string;
  readonly outcomes: readonly Outcome[];
  readonly criteria: CriteriaSet;
  /** The period's invoice lines: its snapshot when closed, else as rated now. */
  readonly lines: readonly PeriodLine[];
  /** Every verification-log record of the portal, by outcome id. */
  readonly logs: ReadonlyMap<string, LogRecord>;
}

/** The log properties reconcile holds the write-back to: the ones finance reads off a log record. */
const FIELDS = {
  // Over limit goes with the status: a log still saying charged (or not) after the limit moved is stale.
  status: ['ob_status', 'ob_over_limit'],
  version: ['ob_criteria_id', 'ob_criteria_version'],
  amount: ['ob_amount', 'ob_currency'],
  period: ['ob_billed_period', 'ob_credit_period'],
} as const;

/** Everything HubSpot needs to say for these properties, read by the list call. */
export const LOG_PROPERTIES = ['ob_outcome_id', ...Object.values(FIELDS).flat()];

const describe = (aspect: keyof typeof FIELDS, p: Readonly<Record<string, string>>): string => {
  const v = (k: string) => p[k] ?? '';
  if (aspect === 'status') return (v('ob_status') || '(empty)') + (v('ob_over_limit') === 'true' ? ', over limit' : '');
  if (aspect === 'version') return `${v('ob_criteria_id')} v${v('ob_criteria_version')}`;
  if (aspect === 'amount') return v('ob_amount') === '' ? `(none) ${v('ob_currency')}`.trim() : `${v('ob_amount')} ${v('ob_currency')}`;
  return `billed ${v('ob_billed_period') || '-'}, credited ${v('ob_credit_period') || '-'}`;
};

const billedIn = (o: Outcome, period: string): boolean =>
  ((o.status === 'billable' || o.status === 'credited') && o.billingPeriod === period) || o.creditPeriod === period;

function priceOf(criteria: CriteriaSet, o: Outcome): Price | null {
  try {
    return criteria.get(o.criteriaId, o.criteriaVersion).price;
  } catch {
    return null;
  }
}

/**
 * Every outcome the period concerns: on its invoice, billed or credited in it by the ledger, or said by
 * HubSpot to be. Each must be in the ledger, and its log in HubSpot must say what the write-back would
 * write now: status, criteria version, amount, periods. The ledger and an open period's invoice agree by
 * construction (the invoice is rated from the ledger); where they differ for a closed period, an
 * adjustment line carries the difference, except for an outcome the ledger no longer has at all.
 */
export function compareThreeWays(input: CompareInput): Mismatch[] {
  const ledger = new Map(input.outcomes.map((o) => [o.outcomeId, o] as const));
  const onInvoice = new Map<string, PeriodLine>();
  for (const l of input.lines) for (const id of l.outcomeIds) if (!onInvoice.has(id)) onInvoice.set(id, l);
  const ids = new Set<string>([...onInvoice.keys(), ...input.outcomes.filter((o) => billedIn(o, input.period)).map((o) => o.outcomeId)]);
  for (const [id, log] of input.logs) if (log.properties.ob_billed_period === input.period || log.properties.ob_credit_period === input.period) ids.add(id);

  const out: Mismatch[] = [];
  for (const id of [...ids].sort()) {
    const o = ledger.get(id);
    const log = input.logs.get(id) ?? null;
    const line = onInvoice.get(id);
    const m = (kind: MismatchKind, sides: { ledger?: string | null; invoice?: string | null; hubspot?: string | null }, repair: Mismatch['repair']): Mismatch => ({
      kind,
      outcomeId: id,
      ledger: sides.ledger ?? null,
      invoice: sides.invoice ?? null,
      hubspot: sides.hubspot ?? null,
      logId: log?.id ?? null,
      repair,
    });
    const lineText = line ? `${line.kind} line ${line.criteriaId} v${line.criteriaVersion}` : null;
    if (o === undefined) {
      if (line) out.push(m('missing_in_ledger', { invoice: lineText, hubspot: log ? describe('status', log.properties) : null }, null));
      else if (log) out.push(m('extra_in_hubspot', { hubspot: `${describe('status', log.properties)}, ${describe('period', log.properties)}` }, 'archive'));
      continue;
    }
    const expected = verificationLogProperties(o, priceOf(input.criteria, o));
    if (log === null) {
      out.push(m('missing_in_hubspot', { ledger: `${describe('status', expected)}, ${describe('period', expected)}` }, 'write_back'));
      continue;
    }
    for (const aspect of Object.keys(FIELDS) as (keyof typeof FIELDS)[]) {
      if (FIELDS[aspect].every((k) => (log.properties[k] ?? '') === expected[k])) continue;
      out.push(m(`${aspect}_differs`, { ledger: describe(aspect, expected), hubspot: describe(aspect, log.properties) }, 'write_back'));
    }
  }
  return out;
}
