// The re-check after every signal (contract §3): exclusions, success or fail_if, then the review rules.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { CriteriaVersion } from '../criteria/types.ts';
import { bucketOf } from '../time.ts';
import type { Properties, Signal } from '../types.ts';
import type { Checks, Outcome } from './outcome.ts';
import { isSettled } from './outcome.ts';
import type { RecordState } from './record-state.ts';
import { visibleProps } from './record-state.ts';
import { allocate, classifyFailure, enterReview, failTry, settleBillable, settleNotBillable } from './transitions.ts';

const TRAIL_VALUE_MAX = 200;

/** Re-checks every unsettled attempt on the record, oldest first, and writes what each saw into its trail. */
export function recheckAll(state: RecordState, signal: Signal, criteria: CriteriaSet): void {
  const props = visibleProps(state);
  for (const o of state.outcomes) {
    if (isSettled(o)) {
      // A later signal of the settlement's instant still counts for the cost centre (contract §9).
      if (o.settledAt === signal.at) allocate(o, criteria.get(o.criteriaId, o.criteriaVersion), props);
      continue;
    }
    const c = criteria.get(o.criteriaId, o.criteriaVersion);
    // The signal goes into the trail before the transitions it causes; the other checks are filled in below.
    const checks: MutableChecks = { success: c.success.evaluate(props) };
    o.trail.push({
      at: signal.at,
      version: o.criteriaVersion,
      type: 'signal',
      kind: signal.kind,
      ...(signal.kind === 'property' ? { property: signal.property, value: truncate(signal.value) } : {}),
      ...(signal.kind === 'crm_read'
        ? { found: signal.found, values: Object.fromEntries(Object.entries(signal.properties).map(([k, v]) => [k, truncate(v)])) }
        : {}),
      ...(signal.ref ? { ref: signal.ref } : {}),
      checks,
    });
    recheck(state, o, c, props, signal.at, checks);
    if (isSettled(o)) allocate(o, c, props);
  }
}

type MutableChecks = { -readonly [K in keyof Checks]: Checks[K] };

function recheck(state: RecordState, o: Outcome, c: CriteriaVersion, props: Properties, at: number, checks: MutableChecks): void {
  const success = checks.success;
  // 1. An exclusion settles any unsettled attempt.
  const excluded = c.exclude.find((rule) => rule.if.evaluate(props));
  if (excluded) {
    checks.exclude = excluded.label;
    settleNotBillable(o, at, 'signal', 'excluded', excluded.label);
    return;
  }
  // 2. An open try succeeds within its deadline, or fails on fail_if.
  if (o.status === 'open') {
    if (success && at <= o.deadline) {
      o.succeededAt = at;
      if (c.cap !== null && capTaken(state, o, c, at) >= c.cap.max) {
        settleNotBillable(o, at, 'signal', 'cap_reached');
        return;
      }
      if (c.reviewWindowMs === 0) {
        settleBillable(o, c, at, 'signal');
        return;
      }
      enterReview(o, c, at);
    } else if (c.failIf !== null) {
      checks.failIf = c.failIf.evaluate(props);
      if (checks.failIf) {
        failTry(o, c, at, 'signal', classifyFailure(c, props, 'unclassified'));
        return;
      }
    }
  }
  // 3. In review (possibly since step 2 of this same pass).
  if (o.status === 'in_review') {
    if (!success) {
      failTry(o, c, at, 'signal', 'reversed');
      return;
    }
    if (c.rejectIf !== null) {
      checks.rejectIf = c.rejectIf.evaluate(props);
      if (checks.rejectIf) {
        settleNotBillable(o, at, 'signal', 'human_review_fail');
        return;
      }
    }
    if (c.approveIf !== null) {
      checks.approveIf = c.approveIf.evaluate(props);
      if (checks.approveIf) settleBillable(o, c, at, 'signal');
    }
  }
}

/** Outcomes of the same id on this record holding a cap slot: in review or billable, success in the same cap period. */
function capTaken(state: RecordState, o: Outcome, c: CriteriaVersion, at: number): number {
  const period = c.cap!.period;
  const bucket = bucketOf(at, period, c.timezone);
  let n = 0;
  for (const other of state.outcomes) {
    // `o` itself is still open; an attempt in review or billable has succeeded.
    if (other.criteriaId !== o.criteriaId || (other.status !== 'in_review' && other.status !== 'billable')) continue;
    if (bucketOf(other.succeededAt!, period, c.timezone) === bucket) n++;
  }
  return n;
}

function truncate(value: string): string {
  return value.length > TRAIL_VALUE_MAX ? `${value.slice(0, TRAIL_VALUE_MAX - 1)}…` : value;
}
