// Press advice (contract §3 steps 1–2): what a press on a record would be now, per criteria id, so a person is warned before making it.
import { DateTime, FixedOffsetZone } from 'luxon';
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { CriteriaVersion } from '../criteria/types.ts';
import type { BucketPeriod } from '../time.ts';
import type { Status } from '../types.ts';
import type { Outcome } from './outcome.ts';
import { idempotencyKeyOf, latestWithKey } from './press.ts';
import type { RecordState } from './record-state.ts';

/**
 * A press of `criteriaId` now would be suppressed by the cool-down (`cooldown`: a press before `until`
 * is suppressed) or counted as a retry of `outcomeId` (`retry`: a press up to and including `until`, the
 * retry window's end, is a retry). Either ends early when the press's idempotency key changes (a new
 * period bucket, or a new version with another bucket), since a press under another key opens a new attempt.
 */
export interface PressAdvice {
  readonly criteriaId: string;
  readonly kind: 'cooldown' | 'retry';
  readonly until: number;
  /** The attempt the press would land on. */
  readonly outcomeId: string;
}

/**
 * For each criteria id watching the record's object type, in idsFor's order: advice when a press at
 * `at` would be suppressed or be a retry; nothing when it would be a duplicate or a new attempt, or
 * when no version is in force. The key is the one of the version in force at `at`; the cool-down and
 * retry window are those of the version the key's latest attempt is pinned to, as applyPress decides.
 */
export function pressAdvice(state: RecordState, criteria: CriteriaSet, at: number): PressAdvice[] {
  const advice: PressAdvice[] = [];
  for (const id of criteria.idsFor(state.objectType)) {
    const inForce = criteria.inForce(id, at);
    if (inForce === null) continue;
    const key = idempotencyKeyOf(inForce, state, at);
    const latest = latestWithKey(state, key);
    if (latest === null) continue;
    const pinned = criteria.get(latest.criteriaId, latest.criteriaVersion);
    const base = { criteriaId: id, outcomeId: latest.outcomeId };
    const cooldownEnd = latest.lastPressAt + pinned.cooldownMs;
    if (at < cooldownEnd) {
      advice.push({ ...base, kind: 'cooldown', until: keyHoldsUntil(criteria, state, inForce, key, at, cooldownEnd) });
      continue;
    }
    const retryEnd = latest.openedAt + pinned.retryWindowMs;
    const status = statusForPressAt(latest, at);
    if (at <= retryEnd && (status === 'open' || status === 'failed')) {
      // The window's end itself is still in it: the advice holds through the last millisecond before the key changes.
      advice.push({ ...base, kind: 'retry', until: keyHoldsUntil(criteria, state, inForce, key, at, retryEnd + 1) - 1 });
    }
  }
  return advice;
}

/**
 * The status a press at `at` meets. At one instant signals come before timers, so an attempt that the
 * retry-window-end timer settled at `at` itself was still failed for a press then.
 */
function statusForPressAt(o: Outcome, at: number): Status {
  // The trail starts with `opened`; a retry-window-end transition settles the attempt, so nothing but it can be last.
  const last = o.trail.at(-1)!;
  if (last.type === 'transition' && last.cause === 'retry_window_end' && last.at === at) return last.from;
  return o.status;
}

/**
 * The first instant after `at` (< `limit`) at which a press of `inForce`'s id gets another key than `key`,
 * or `limit` when the key holds until then. The key can only change where a bucket ends or a version takes
 * effect, so only those instants are tried; each is checked with the key itself (a repeated hour at a DST
 * change keeps its bucket). A version once in force is followed by one in force ever after.
 */
function keyHoldsUntil(criteria: CriteriaSet, state: RecordState, inForce: CriteriaVersion, key: string, at: number, limit: number): number {
  let t = at;
  let current = inForce;
  for (;;) {
    const next = Math.min(bucketEnd(t, current.idempotencyPeriod, current.timezone), nextVersionFrom(criteria, current.id, t));
    if (next >= limit) return limit;
    current = criteria.inForce(current.id, next)!;
    if (idempotencyKeyOf(current, state, next) !== key) return next;
    t = next;
  }
}

/** The first instant after `at` in another bucket of `period` (bucketOf's buckets), in `zone`. */
function bucketEnd(at: number, period: BucketPeriod, zone: string): number {
  if (period === 'none') return Number.POSITIVE_INFINITY;
  // luxon's week starts on Monday, as the ISO weeks of bucketOf do.
  const here = DateTime.fromMillis(at, { zone });
  const end = here.startOf(period).plus({ [`${period}s`]: 1 }).toMillis();
  if (end > at) return end;
  // In a stretch of wall-clock time repeated at a DST change of less than an hour (Lord Howe's half hour), the
  // start of the hour only exists before the change, so the step above lands back behind `at`. The offset in
  // force at `at` holds until the stretch's next boundary (changes are months apart), so that boundary is taken at it.
  return DateTime.fromMillis(at, { zone: FixedOffsetZone.instance(here.offset) }).startOf(period).plus({ [`${period}s`]: 1 }).toMillis();
}

/** When the next version of `id` after `at` takes effect, or +∞. */
function nextVersionFrom(criteria: CriteriaSet, id: string, at: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const v of criteria.versions()) if (v.id === id && v.effectiveFrom > at && v.effectiveFrom < next) next = v.effectiveFrom;
  return next;
}
