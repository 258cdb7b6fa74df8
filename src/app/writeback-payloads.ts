// What the write-back writes (pure): a record's billing properties, an outcome's verification-log record with its amount, dispute and audit trail, and the content hash that says whether it changed.
import { createHash } from 'node:crypto';
import type { Dispute, Outcome } from '../core/engine/outcome.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import { compareOutcomes, outcomeView } from '../core/ledger-view.ts';
import type { TrailView } from '../core/ledger-view.ts';
import { formatAmount } from '../core/money.ts';
import type { Price } from '../core/price.ts';

/** HubSpot datetime values as epoch milliseconds (its documented timestamp format); '' clears the property. */
const datetime = (ms: number | null): string => (ms === null ? '' : String(ms));

const latestOf = (outcomes: readonly Outcome[]): Outcome | null =>
  outcomes.reduce<Outcome | null>((best, o) => (best === null || compareOutcomes(o, best) > 0 ? o : best), null);

/** `ob_dispute_state`'s values: `none` besides the core's dispute states, so a rep can filter on "no dispute". */
export const DISPUTE_STATES = ['none', 'open', 'upheld', 'rejected'] as const satisfies readonly ('none' | Dispute['state'])[];

/** The record's latest dispute: the one opened last (ties as the ledger orders the outcomes). */
function latestDispute(outcomes: readonly Outcome[]): Dispute | null {
  let best: { o: Outcome; d: Dispute } | null = null;
  for (const o of outcomes) {
    const d = o.dispute;
    if (d === null) continue;
    if (best === null || d.openedAt > best.d.openedAt || (d.openedAt === best.d.openedAt && compareOutcomes(o, best.o) > 0)) best = { o, d };
  }
  return best?.d ?? null;
}

/** A record whose every outcome was withdrawn: HubSpot clears a property set to ''. */
const CLEARED: Readonly<Record<string, string>> = {
  ob_status: '',
  ob_outcome_id: '',
  ob_reason: '',
  ob_criteria_id: '',
  ob_criteria_version: '',
  ob_succeeded_at: '',
  ob_settled_at: '',
  ob_billable_count: '0',
  ob_disputed: 'false',
  ob_dispute_state: 'none',
  ob_credited_count: '0',
  ob_over_limit: 'false',
};

/**
 * The record's billing properties (property-definitions/billing-properties.json): its latest outcome
 * across every criteria (latest opened; ties as the ledger orders them), how many of its outcomes are
 * billable now (credited ones no longer are) and how many were credited, whether any of its billable
 * outcomes has an open dispute, and where the record's latest dispute stands, so a rep sees a dispute's
 * fate without opening the card, and whether the latest outcome is over its budget limit (contract §8:
 * billable, not charged; `overLimit` as the ledger marked it, see markOverLimit). Null for a record without
 * outcomes: there is nothing to say about it, unless a late input withdrew the ones it had
 * (docs/decisions.md, "Late signals"): then they are cleared.
 */
export function billingProperties(state: RecordState): Record<string, string> | null {
  const latest = latestOf(state.outcomes);
  if (latest === null) return state.withdrawn?.length ? CLEARED : null;
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
    // Any billable outcome, not only the latest: an older one under dispute is billed too.
    ob_disputed: String(billable.some((o) => o.dispute?.state === 'open')),
    ob_dispute_state: latestDispute(state.outcomes)?.state ?? 'none',
    ob_credited_count: String(state.outcomes.filter((o) => o.status === 'credited').length),
    ob_over_limit: String(latest.overLimit),
  };
}

/**
 * What the verification log says the outcome costs, as a decimal string in the currency's minor digits
 * (never a float): a billable or credited outcome under a flat price costs its unit amount (a credited
 * one was billed at it; its credit is a line of its own on the invoice); a not-billable one costs 0, and
 * so does one over its budget limit, whatever the price (contract §8: it is not charged).
 * Open, in-review and failed outcomes are not decided yet: ''. Under a graduated or volume price an
 * outcome has no price of its own (the invoice rates the period's whole count), so the amount stays ''
 * and the invoice line is the place to look; the currency is always the criteria's.
 */
export function outcomeAmount(o: Outcome, price: Price | null): { amount: string; currency: string } {
  if (price === null) return { amount: '', currency: '' };
  const currency = price.currency;
  if (o.status === 'not_billable' || ((o.status === 'billable' || o.status === 'credited') && o.overLimit)) return { amount: formatAmount(0n, currency), currency };
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
    ob_billed_period: view.billingPeriod ?? view.billedPeriod ?? '',
    ...disputeProperties(o.dispute),
    ob_credit_period: o.creditPeriod ?? '',
    ob_agent_id: o.agentId ?? '',
    ob_cost_centre: o.costCentre ?? '',
    ob_over_limit: String(o.overLimit),
    ob_audit_trail: trail,
    ob_audit_trail_sha256: createHash('sha256').update(trail, 'utf8').digest('hex'),
  };
}

/**
 * The outcome's latest dispute on its log (contract §5: every step is in the verification log; earlier
 * disputes stay in the audit trail). Users are named by email: staff's personal data, kept in HubSpot as
 * evidence and never written to the service's own logs.
 */
function disputeProperties(d: Dispute | null): Record<string, string> {
  return {
    ob_dispute_state: d?.state ?? 'none',
    ob_dispute_reason: d?.reason ?? '',
    ob_dispute_opened_by: d?.openedBy.email ?? '',
    ob_dispute_opened_at: datetime(d?.openedAt ?? null),
    ob_dispute_note: d?.note ?? '',
    ob_dispute_resolved_by: d?.resolvedBy?.email ?? '',
    ob_dispute_resolved_at: datetime(d?.resolvedAt ?? null),
  };
}

/** What identifies a write's content: the same properties give the same hash, so unchanged content is never sent twice. */
export function contentHash(properties: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(JSON.stringify(properties)).digest('base64url');
}
