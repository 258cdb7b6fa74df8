// Timers (contract §3), derived from the attempts themselves so a stale or early timer can never act.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import { isSettled } from './outcome.ts';
import type { Outcome, TimerCause } from './outcome.ts';
import type { RecordState } from './record-state.ts';
import { visibleProps } from './record-state.ts';
import { allocate, classifyFailure, failTry, retryWindowEnd, settleBillable, settleNotBillable } from './transitions.ts';

/**
 * An attempt has one pending timer at a time, and a timer changes only its own attempt, so the timers of one
 * instant fire in any order with the same result; within an attempt, a deadline that leaves it failed comes
 * before the retry-window end it then meets (contract §3).
 */
export interface PendingTimer {
  readonly at: number;
  readonly cause: TimerCause;
  readonly outcome: Outcome;
}

/** The earliest timer of the record: the next time it needs waking, or null when every attempt is settled. */
export function nextTimer(state: RecordState, criteria: CriteriaSet): PendingTimer | null {
  let best: PendingTimer | null = null;
  for (const o of state.outcomes) {
    let t: PendingTimer | null = null;
    if (o.status === 'open') t = { at: o.deadline, cause: 'deadline', outcome: o };
    else if (o.status === 'in_review') t = { at: o.reviewEndsAt!, cause: 'review_end', outcome: o };
    else if (o.status === 'failed') {
      const c = criteria.get(o.criteriaId, o.criteriaVersion);
      t = { at: retryWindowEnd(o, c), cause: 'retry_window_end', outcome: o };
    }
    // Ties keep the attempts' opening order: the outcomes array is in that order.
    if (t !== null && (best === null || t.at < best.at)) best = t;
  }
  return best;
}

/** Fires, in time order, every timer due before `limit` (or at it too, when `inclusive`). */
export function fireTimers(state: RecordState, criteria: CriteriaSet, limit: number, inclusive: boolean): void {
  for (;;) {
    const t = nextTimer(state, criteria);
    if (t === null || t.at > limit || (!inclusive && t.at === limit)) return;
    fire(state, criteria, t);
  }
}

function fire(state: RecordState, criteria: CriteriaSet, t: PendingTimer): void {
  const o = t.outcome;
  const c = criteria.get(o.criteriaId, o.criteriaVersion);
  const props = visibleProps(state);
  switch (t.cause) {
    case 'deadline':
      failTry(o, c, t.at, 'deadline', classifyFailure(c, props, 'latency_breach'));
      break;
    case 'review_end':
      if (c.onTimeout === 'confirm') settleBillable(o, c, t.at, 'review_end');
      else settleNotBillable(o, t.at, 'review_end', 'human_review_fail');
      break;
    case 'retry_window_end':
      settleNotBillable(o, t.at, 'retry_window_end', o.reason ?? 'unclassified');
      break;
  }
  // Timers fire after the instant's signals: the record already shows what the cost centre is.
  if (isSettled(o)) allocate(o, c, props);
}
