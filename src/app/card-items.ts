// What the card shows of an outcome (docs/card-api.md): the ledger's fields with its criteria's name, its charge, whether it may be disputed or resolved, and a link to its verification log.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { CriteriaVersion } from '../core/criteria/types.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { outcomeView } from '../core/ledger-view.ts';
import type { OutcomeView } from '../core/ledger-view.ts';
import { verificationLogObjectType } from './hubspot-ports.ts';
import { outcomeAmount } from './writeback-payloads.ts';

export interface CardOutcome {
  readonly outcomeId: string;
  readonly criteria: { readonly id: string; readonly version: number; readonly name: string };
  readonly status: OutcomeView['status'];
  readonly reason: OutcomeView['reason'];
  readonly label: string | null;
  readonly tries: number;
  readonly suppressed: number;
  readonly duplicates: number;
  readonly openedAt: string;
  readonly succeededAt: string | null;
  readonly settledAt: string | null;
  readonly deadline: string | null;
  readonly reviewEndsAt: string | null;
  readonly billingPeriod: string | null;
  readonly charge: { readonly amount: string; readonly currency: string } | null;
  /** Billable but past its criteria's budget limit for the period (contract §8): verified, not charged. */
  readonly overLimit: boolean;
  readonly dispute: OutcomeView['dispute'];
  readonly canDispute: boolean;
  readonly canResolve: boolean;
  /** On a disputed outcome, when the card reads it: the version of its criteria whose change notes answer the dispute, or null. */
  readonly answeredBy?: number | null;
  readonly verificationLogUrl: string | null;
  readonly trailLength: number;
}

/** The version an outcome is pinned to, or null when it is no longer loaded (its name and price are then unknown). */
export function pinnedVersion(criteria: CriteriaSet, o: Outcome): CriteriaVersion | null {
  try {
    return criteria.get(o.criteriaId, o.criteriaVersion);
  } catch {
    return null;
  }
}

/**
 * The verification-log record in HubSpot's app. The log object is named by its fully qualified name,
 * as every write-back call names it (hubspot-ports.ts), since the service never learns its `2-…` id.
 */
export function verificationLogUrl(portalId: number, logId: string): string {
  return `https://app.hubspot.com/contacts/${portalId}/record/${verificationLogObjectType(portalId)}/${encodeURIComponent(logId)}`;
}

/**
 * One outcome as the card's list shows it; `logId` is its verification log's HubSpot id, null until written;
 * `viewerResolves` says whether the user who asks is one of the portal's dispute resolvers.
 */
export function cardOutcome(o: Outcome, criteria: CriteriaSet, portalId: number, logId: string | null, viewerResolves: boolean): CardOutcome {
  const view = outcomeView(o);
  const pinned = pinnedVersion(criteria, o);
  // The same amount the verification log states: a flat price's unit amount once billable (or credited), 0 when not billable.
  const { amount, currency } = outcomeAmount(o, pinned?.price ?? null);
  return {
    outcomeId: o.outcomeId,
    criteria: { id: o.criteriaId, version: o.criteriaVersion, name: pinned?.name ?? o.criteriaId },
    status: view.status,
    reason: view.reason,
    label: view.label,
    tries: view.tries,
    suppressed: view.suppressed,
    duplicates: view.duplicates,
    openedAt: view.openedAt,
    succeededAt: view.succeededAt,
    settledAt: view.settledAt,
    deadline: view.deadline,
    reviewEndsAt: view.reviewEndsAt,
    // A credited outcome keeps the period it was billed in (the ledger names it billedPeriod).
    billingPeriod: view.billingPeriod ?? view.billedPeriod,
    charge: amount === '' ? null : { amount, currency },
    overLimit: view.overLimit,
    dispute: view.dispute,
    // As openDispute decides: only a billable outcome without an open dispute.
    canDispute: o.status === 'billable' && o.dispute?.state !== 'open',
    // As resolveDispute decides: a resolver, on an open dispute.
    canResolve: viewerResolves && o.dispute?.state === 'open',
    verificationLogUrl: logId === null ? null : verificationLogUrl(portalId, logId),
    trailLength: o.trail.length,
  };
}
