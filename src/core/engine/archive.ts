// Bounded state (docs/decisions.md, "Bounded state"): which settled outcomes no input can change any more, so they can leave a record's hot state for its archive.
import { DateTime } from 'luxon';
import type { Outcome } from './outcome.ts';
import type { RecordState } from './record-state.ts';

const HOUR = 3_600_000;
/** Time zones reach from UTC−12 to UTC+14: a margin past both ends. */
const ZONE_SPAN_MS = 14 * HOUR;

/**
 * The earliest instant that can share a bucket (hour, day, ISO week or month: every idempotency and cap
 * period but `none`) with an instant at or after `from`, in any time zone. It depends on no criteria:
 * a version published later, with another period or zone, must find on the record every outcome it
 * could count (a cap) or reach again (an idempotency key), and archived ones are off the record.
 */
export function reachableFrom(from: number): number {
  const utc = DateTime.fromMillis(from - ZONE_SPAN_MS, { zone: 'utc' });
  return Math.min(utc.startOf('month').toMillis(), utc.startOf('week').toMillis()) - ZONE_SPAN_MS;
}

/**
 * The outcomes of `state` that nothing applied at `from` or later can change or need: settled, with no
 * open dispute, nothing in their trail at or after `from`, a billable one settled at least
 * `disputeHorizonMs` before `from` (a dispute after that is refused: the outcome is no longer on the
 * record), and out of reach of every version of its criteria id, published now or later: when it is
 * the latest attempt of its idempotency key, its key's bucket has passed in every zone (a key of period
 * `none` never passes), and a billable one's success is before every cap period still to come.
 * `from` is the earliest event time an input can still be applied at: the clock of the record's checkpoint.
 */
export function archivable(state: RecordState, from: number, disputeHorizonMs: number): Outcome[] {
  const reach = reachableFrom(from);
  // The latest attempt of each key, found in one pass rather than one scan per outcome.
  const latest = new Map<string, Outcome>();
  for (const o of state.outcomes) latest.set(o.idempotencyKey, o);
  return state.outcomes.filter((o) => {
    if (o.status === 'billable') {
      if (o.dispute?.state === 'open' || o.settledAt === null || o.settledAt + disputeHorizonMs > from) return false;
    } else if (o.status !== 'not_billable' && o.status !== 'credited') return false;
    if (o.trail.some((e) => e.at >= from)) return false;
    // The key's bucket holds the instant the attempt opened (press.ts): past `reach`, no press can make that key again.
    if (latest.get(o.idempotencyKey) === o && (o.idempotencyKey.endsWith(':all') || o.openedAt >= reach)) return false;
    // Only a billable outcome holds a cap slot (recheck.ts); a credited or not-billable one never counts.
    return o.status !== 'billable' || o.succeededAt === null || o.succeededAt < reach;
  });
}
