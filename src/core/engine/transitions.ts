// The only places an outcome's status changes: each writes one transition into the trail.
import type { CriteriaVersion } from '../criteria/types.ts';
import { billingPeriodOf } from '../time.ts';
import type { Properties, Reason, Status } from '../types.ts';
import type { Outcome, TimerCause } from './outcome.ts';

export type Cause = 'signal' | TimerCause | 'dispute';

function record(o: Outcome, at: number, to: Status, cause: Cause, reason?: Reason, label?: string): void {
  const from = o.status;
  o.status = to;
  o.trail.push({
    at,
    version: o.criteriaVersion,
    type: 'transition',
    from,
    to,
    cause,
    ...(reason ? { reason } : {}),
    ...(label ? { label } : {}),
  });
}

export function settleBillable(o: Outcome, c: CriteriaVersion, at: number, cause: Cause): void {
  o.reason = null;
  o.label = null;
  o.settledAt = at;
  o.billingPeriod = billingPeriodOf(at, c.timezone);
  record(o, at, 'billable', cause);
}

export function settleNotBillable(o: Outcome, at: number, cause: Cause, reason: Reason, label: string | null = null): void {
  o.reason = reason;
  o.label = label;
  o.settledAt = at;
  o.billingPeriod = null;
  record(o, at, 'not_billable', cause, reason, label ?? undefined);
}

/** An upheld dispute: billed once, credited on the invoice of the period the decision falls in (contract §5). */
export function credit(o: Outcome, c: CriteriaVersion, at: number): void {
  o.creditedAt = at;
  o.creditPeriod = billingPeriodOf(at, c.timezone);
  record(o, at, 'credited', 'dispute');
}

/**
 * Contract §9: the pinned version's `cost_centre_property` as the record shows it at settlement, or
 * null when it is unset or empty. Called again for each later signal of the settlement's instant, so
 * the value kept is the one after all of that instant's signals.
 */
export function allocate(o: Outcome, c: CriteriaVersion, props: Properties): void {
  if (c.costCentreProperty === null) return;
  const value = props.get(c.costCentreProperty);
  o.costCentre = value === undefined || value === '' ? null : value;
}

export function enterReview(o: Outcome, c: CriteriaVersion, at: number): void {
  o.reviewEndsAt = at + c.reviewWindowMs;
  record(o, at, 'in_review', 'signal');
}

/** The end of the attempt's retry window, counted from its first press (contract §3). */
export function retryWindowEnd(o: Outcome, c: CriteriaVersion): number {
  return o.openedAt + c.retryWindowMs;
}

/**
 * A try fails. A retry may still reopen it until its retry window ends; a failure after that
 * settles at once. At exactly the end the retry-window timer settles it, after the instant's signals.
 */
export function failTry(o: Outcome, c: CriteriaVersion, at: number, cause: Cause, reason: Reason): void {
  o.reason = reason;
  o.reviewEndsAt = null;
  record(o, at, 'failed', cause, reason);
  if (at > retryWindowEnd(o, c)) settleNotBillable(o, at, cause, reason);
}

/** Contract §3: the first `failure_reasons` rule that matches the record then, else the fallback. */
export function classifyFailure(c: CriteriaVersion, props: Properties, fallback: 'latency_breach' | 'unclassified'): Reason {
  for (const rule of c.failureReasons) if (rule.if.evaluate(props)) return rule.reason;
  return fallback;
}

export function reopenForRetry(o: Outcome, c: CriteriaVersion, at: number): void {
  const wasFailed = o.status === 'failed';
  o.tries += 1;
  o.lastPressAt = at;
  o.deadline = at + c.withinMs;
  if (wasFailed) {
    o.reason = null;
    record(o, at, 'open', 'signal');
  }
}
