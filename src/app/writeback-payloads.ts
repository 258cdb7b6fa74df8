// What the write-back writes (pure): a record's billing properties, an outcome's verification-log record with its amount and audit trail, and the content hash that says whether it changed.
import { createHash } from 'node:crypto';
import type { Outcome } from '../core/engine/outcome.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import { compareOutcomes, outcomeView } from '../core/ledger-view.ts';
import type { TrailView } from '../core/ledger-view.ts';
import { formatAmount } from '../core/money.ts';
import type { Price } from '../core/price.ts';

/** HubSpot datetime values as epoch milliseconds (its documented timestamp format); '' clears the property. */
const datetime = (ms: number | null): string => (ms === null ? '' : String(ms));

const latestOf = (outcomes: readonly Outcome[]): Outcome | null =>
  outcomes.reduce<Outcome | null>((best, o) => (best === null || compareOutcomes(o, best) > 0 ? o : best), null);

/**
 * The record's billing properties (property-definitions/billing-properties.json): its latest outcome
 * across every criteria (latest opened; ties as the ledger orders them), how many of its outcomes are
 * billable now (credited ones no longer are), and whether its latest billable outcome is disputed.
 * Null for a record without outcomes: there is nothing to say about it.
 */
export function billingProperties(state: RecordState): Record<string, string> | null {
  const latest = latestOf(state.outcomes);
  if (latest === null) return null;
  const billable = state.outcomes.filter((o) => o.status === 'billable');
  const view = outcomeView(latest);
  return {
    ob_status: latest.status,
    ob_outcome_id: latest.outcomeId,
    ob_reason: view.reason ?? '',
    ob_criteria_id: latest.criteriaId,
    ob_criteria_version: String(latest.criteriaVersion),
    ob_succeeded_at: datetime(latest.succeededAt),
    ob_settled_at: datetime(latest.settledAt),
    ob_billable_count: String(billable.length),
    ob_disputed: String(latestOf(billable)?.dispute?.state === 'open'),
  };
}

/**
 * What the verification log says the outcome costs, as a decimal string in the currency's minor digits
 * (never a float): a billable or credited outcome under a flat price costs its unit amount (a credited
 * one was billed at it; its credit is a line of its own on the invoice); a not-billable one costs 0.
 * Open, in-review and failed outcomes are not decided yet: ''. Under a graduated or volume price an
 * outcome has no price of its own (the invoice rates the period's whole count), so the amount stays ''
 * and the invoice line is the place to look; the currency is always the criteria's.
 */
export function outcomeAmount(o: Outcome, price: Price | null): { amount: string; currency: string } {
  if (price === null) return { amount: '', currency: '' };
  const currency = price.currency;
  if (o.status === 'not_billable') return { amount: formatAmount(0n, currency), currency };
  if ((o.status === 'billable' || o.status === 'credited') && price.model === 'flat') return { amount: formatAmount(price.unitMinor, currency), currency };
  return { amount: '', currency };
}

/** HubSpot's limit on a text property is 65,536 characters; some room is kept. */
export const TRAIL_MAX_CHARS = 65_000;

/**
 * The audit trail as stored in `ob_audit_trail`: the outcome's trail as JSON (cli.md's shape). A trail
 * too long for HubSpot keeps its first entry and as many of the latest as fit, with an `omitted` entry
 * saying how many were left out; the full trail is always at `GET /api/outcomes/:outcomeId`.
 */
export function auditTrailText(trail: readonly TrailView[], outcomeId: string, max = TRAIL_MAX_CHARS): string {
  const full = JSON.stringify(trail);
  if (full.length <= max || trail.length < 3) return full;
  const parts = trail.map((e) => JSON.stringify(e));
  const note = `left out to fit HubSpot's text limit; the full trail is at GET /api/outcomes/${encodeURIComponent(outcomeId)}`;
  const marker = (count: number) => JSON.stringify({ type: 'omitted', count, note });
  let size = 2 + parts[0]!.length + 1 + marker(parts.length).length;
  let k = parts.length;
  while (k > 2 && size + 1 + parts[k - 1]!.length <= max) {
    size += 1 + parts[k - 1]!.length;
    k--;
  }
  return `[${[parts[0]!, marker(k - 1), ...parts.slice(k)].join(',')}]`;
}

/** The verification-log record of an outcome (property-definitions/verification-log-schema.json). */
export function verificationLogProperties(o: Outcome, price: Price | null): Record<string, string> {
  const view = outcomeView(o, true);
  const trail = auditTrailText(view.trail ?? [], o.outcomeId);
  const { amount, currency } = outcomeAmount(o, price);
  return {
    ob_outcome_id: o.outcomeId,
    ob_criteria_id: o.criteriaId,
    ob_criteria_version: String(o.criteriaVersion),
    ob_object_type: o.objectType,
    ob_record_id: o.recordId,
    ob_status: o.status,
    ob_reason: view.reason ?? '',
    ob_label: view.label ?? '',
    ob_tries: String(o.tries),
    ob_opened_at: datetime(o.openedAt),
    ob_succeeded_at: datetime(o.succeededAt),
    ob_settled_at: datetime(o.settledAt),
    ob_amount: amount,
    ob_currency: currency,
    ob_audit_trail: trail,
    ob_audit_trail_sha256: createHash('sha256').update(trail, 'utf8').digest('hex'),
  };
}

/** What identifies a write's content: the same properties give the same hash, so unchanged content is never sent twice. */
export function contentHash(properties: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(JSON.stringify(properties)).digest('base64url');
}
