// Bounded state (docs/decisions.md, "Bounded state"): which settled outcomes no input can change any more, so they can leave a record's hot state for its archive.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import { bucketOf } from '../time.ts';
import type { BucketPeriod } from '../time.ts';
import type { Outcome } from './outcome.ts';
import { latestWithKey } from './press.ts';
import type { RecordState } from './record-state.ts';

/**
 * Whether an instant at or after `from` can fall in the same bucket as `bucket` (or an earlier one):
 * buckets of one period and zone grow with time, and buckets of different periods never look alike.
 */
function stillReachable(bucket: string, from: number, period: BucketPeriod, zone: string): boolean {
  const now = bucketOf(from, period, zone);
  return now.length === bucket.length && now <= bucket;
}

/**
 * The outcomes of `state` that nothing applied at `from` or later can change or need: settled, with no
 * open dispute, nothing in their trail at or after `from`, a billable one settled at least
 * `disputeHorizonMs` before `from` (a dispute after that is refused: the outcome is no longer on the
 * record), and neither a press (its idempotency key, when it is the latest with that key) nor a cap
 * (its success's cap period) of any version of its criteria id can reach it again. `from` is the
 * earliest event time an input can still be applied at: the clock of the record's checkpoint.
 */
export function archivable(state: RecordState, from: number, criteria: CriteriaSet, disputeHorizonMs: number): Outcome[] {
  const versions = criteria.versions();
  return state.outcomes.filter((o) => {
    if (o.status === 'billable') {
      if (o.dispute?.state === 'open' || o.settledAt === null || o.settledAt + disputeHorizonMs > from) return false;
    } else if (o.status !== 'not_billable' && o.status !== 'credited') return false;
    if (o.trail.some((e) => e.at >= from)) return false;
    const own = versions.filter((v) => v.id === o.criteriaId);
    const bucket = o.idempotencyKey.slice(o.idempotencyKey.lastIndexOf(':') + 1);
    if (latestWithKey(state, o.idempotencyKey) === o && own.some((v) => stillReachable(bucket, from, v.idempotencyPeriod, v.timezone))) return false;
    if (o.status !== 'billable' || o.succeededAt === null) return true;
    const succeeded = o.succeededAt;
    return !own.some((v) => v.cap !== null && stillReachable(bucketOf(succeeded, v.cap.period, v.timezone), from, v.cap.period, v.timezone));
  });
}
