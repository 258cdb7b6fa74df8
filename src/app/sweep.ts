// Use case: the sweeper, a safety net on a timer: wakes due records left without a job, rescues records whose job is stuck, parks those that never move; and the log's retention.
import type { LogRetention } from './log-retention.ts';
import type { RecordRef, RecordScheduler, RescueScheduler, SignalStore } from './ports.ts';

export interface SweepDeps {
  readonly store: SignalStore;
  readonly scheduler: RecordScheduler & RescueScheduler;
  readonly clock: () => number;
  /** The signal hold: a record is due this long after its due time. */
  readonly holdMs: number;
  /** Due records looked at per sweep, oldest first (default 5,000). */
  readonly sweepLimit?: number;
  /** A record this long past its due time (plus the hold) gets a rescue job (default 5 s). */
  readonly overdueMs?: number;
  /** Rescues without a commit before a record is parked (default 20). */
  readonly maxRescues?: number;
  /** Told about each record parked, to log it. */
  readonly onParked?: (record: RecordRef, at: number) => void;
  /** The portal logs' retention, run after the sweep's own work when it is due (it keeps its own pace). */
  readonly logRetention?: LogRetention;
}

export interface SweepResult {
  readonly woke: number;
  readonly rescued: number;
  readonly parked: number;
  /** Log entries the retention removed, when it ran on this sweep. */
  readonly logTrimmed?: number;
}

/** Overdue records looked into per sweep: enough to recover from a crash, little enough not to add to a backlog. */
const RESCUE_CHECKS_PER_SWEEP = 100;

/**
 * A due record may have no job (a crash between storing its signals and queueing its job): it gets
 * its usual one, whose deterministic id makes that a no-op when the job exists. A long-overdue record
 * may have a stuck job under that id instead: unless that job is merely queued behind a backlog, it
 * gets a rescue job, and after too many rescues without a commit it is parked for a person to look at,
 * so a record that fails every time cannot keep the sweeper busy for ever.
 */
export async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock();
  const overdueMs = deps.overdueMs ?? 5_000;
  const due = await deps.store.dueRecords(now - deps.holdMs, deps.sweepLimit ?? 5_000);
  const overdueBefore = now - deps.holdMs - overdueMs;
  const overdue = due.filter((d) => d.at < overdueBefore).slice(0, RESCUE_CHECKS_PER_SWEEP);
  const fresh = due.filter((d) => d.at >= overdueBefore);
  await deps.scheduler.wakeMany(fresh);
  const standings = await Promise.all(overdue.map((d) => deps.scheduler.jobStanding(d.record, d.at)));
  const stuck = overdue.filter((_, i) => standings[i] !== 'queued');
  const parked = await Promise.all(stuck.map((d) => deps.store.noteRescue(d.record, d.at, deps.maxRescues ?? 20)));
  stuck.forEach((d, i) => parked[i] && deps.onParked?.(d.record, d.at));
  const rescue = stuck.filter((_, i) => !parked[i]);
  // One slot per overdue period: sweeps close together give a rescue the same job id, so it is queued once.
  await deps.scheduler.rescue(rescue, Math.floor(now / overdueMs));
  const result = { woke: fresh.length, rescued: rescue.length, parked: stuck.length - rescue.length };
  // Last: a trim that fails (its error fails the job, and is logged) leaves the records woken and rescued.
  const trimmed = await deps.logRetention?.run();
  return trimmed ? { ...result, logTrimmed: trimmed.removed } : result;
}
