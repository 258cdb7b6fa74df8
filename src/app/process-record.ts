// Use case: bring one record up to the watermark: apply its due signals in event time, fire its timers, commit atomically.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { advance } from '../core/engine/advance.ts';
import type { Advanced } from '../core/engine/advance.ts';
import type { Effect } from '../core/engine/decide.ts';
import { SETTLED } from '../core/engine/outcome.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { newRecordState } from '../core/engine/record-state.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import type { Signal } from '../core/types.ts';
import { planVerification, withReads } from './crm-verification.ts';
import type { CrmVerificationDeps } from './crm-verification.ts';
import type { RecordRef, RecordScheduler, SignalStore } from './ports.ts';

export interface ProcessDeps {
  readonly store: SignalStore;
  readonly scheduler: RecordScheduler;
  readonly criteria: () => CriteriaSet;
  readonly clock: () => number;
  /**
   * How long a signal waits before it is applied. HubSpot delivers out of order and in parallel;
   * holding every signal this long puts them back in event-time order before any decision.
   */
  readonly holdMs: number;
  /** HubSpot reads before billing; absent without a HubSpot token (settlements then rest on signals alone). */
  readonly crm?: CrmVerificationDeps;
  /**
   * How long a change that settles nothing (a press, a success entering review) waits before it is
   * written to HubSpot. Settlements are written at once; a pending status that a settlement overtakes
   * within this time is never written, which keeps HubSpot calls near one write per outcome.
   */
  readonly pendingWriteDelayMs?: number;
}

export type ProcessResult = ProcessedResult | { readonly kind: 'waiting_for_crm' };

export interface ProcessedResult {
  readonly kind: 'processed';
  readonly applied: number;
  readonly late: readonly Signal[];
  /** Outcomes whose state changed and was committed: what to write back. */
  readonly changed: readonly Outcome[];
  /** Event time of the record's next due signal or timer, already scheduled; null when nothing is pending. */
  readonly nextWakeAt: number | null;
  readonly conflicts: number;
  /** Settlement instants that went ahead without a CRM read because it did not come in time. */
  readonly unverified: readonly number[];
}

/** Another worker kept winning the compare-and-set: the job fails and BullMQ retries it later. */
export class RecordContendedError extends Error {
  override readonly name = 'RecordContendedError';
}

const MAX_CONFLICTS = 20;
/** Runs one job makes for signals that keep arriving while it works; the rest wait for their wake-up. */
const MAX_PASSES = 50;

/**
 * Loads, decides and commits with compare-and-set, so two workers can never both apply a signal:
 * the loser reloads and decides again on the winner's state. A crash before the commit changes
 * nothing; the signals stay pending and the job is retried.
 */
export async function processRecord(deps: ProcessDeps, record: RecordRef): Promise<ProcessResult> {
  let conflicts = 0;
  let passes = 0;
  let applied = 0;
  const late: Signal[] = [];
  const changed = new Map<string, Outcome>();
  const unverified: number[] = [];
  while (conflicts < MAX_CONFLICTS) {
    const now = deps.clock();
    const watermark = now - deps.holdMs;
    const criteria = deps.criteria();
    const loaded = await deps.store.load(record, watermark);
    // decide() updates the loaded state in place: note what the counts by status start from.
    const statusesBefore = loaded.state?.outcomes.map((o) => o.status) ?? [];
    let state: RecordState = loaded.state ?? newRecordState(record.objectType, record.recordId);
    let signals: readonly Signal[] = loaded.pending.map((p) => p.signal);
    let result: Advanced | null = null;
    if (deps.crm) {
      const plan = await planVerification(deps.crm, record, loaded.state, loaded.pending, watermark, now, criteria);
      if (plan.kind === 'wait') return { kind: 'waiting_for_crm' };
      unverified.push(...plan.unverified);
      if (plan.done) {
        // The plan's dry run already is this run: no read changes it.
        state = plan.done.state;
        result = plan.done.advanced;
      } else {
        state = plan.state;
        signals = withReads(loaded.pending, plan.reads);
      }
    }
    const { effects, nextTimerAt } = result ?? advance(state, signals, watermark, criteria);
    // A job that finds nothing to apply and no timer due (another job got there first) writes nothing.
    if (signals.length === 0 && !effects.some((e) => e.type === 'outcome_changed')) {
      return { kind: 'processed', applied, late, changed: [...changed.values()], nextWakeAt: nextTimerAt, conflicts, unverified };
    }
    const committed = await deps.store.commit({
      record,
      version: loaded.version,
      state,
      applied: loaded.pending,
      nextTimerAt,
      writeDueAt: writeDueAt(effects, now, deps.pendingWriteDelayMs ?? 0),
      statusesBefore,
    });
    if (!committed.ok) {
      conflicts++;
      continue;
    }
    applied += loaded.pending.length;
    for (const e of effects) {
      if (e.type === 'outcome_changed') changed.set(e.outcome.outcomeId, e.outcome);
      else if (e.type === 'late_signal') late.push(e.signal);
    }
    // Signals stored while this one ran, already due: apply them now rather than wait for a wake.
    if (committed.nextPendingAt !== null && committed.nextPendingAt <= deps.clock() - deps.holdMs && ++passes < MAX_PASSES) continue;
    // Every change of a record's due time queues a job for the new time; an unchanged one has its job.
    if (committed.dueChanged && committed.dueAt !== null) await deps.scheduler.wake(record, committed.dueAt);
    return { kind: 'processed', applied, late, changed: [...changed.values()], nextWakeAt: committed.dueAt, conflicts, unverified };
  }
  throw new RecordContendedError(`record ${record.objectType} ${record.recordId}: still contended after ${MAX_CONFLICTS} conflicting commits`);
}


function writeDueAt(effects: readonly Effect[], now: number, pendingDelayMs: number): number | null {
  let due: number | null = null;
  for (const e of effects) {
    if (e.type !== 'outcome_changed') continue;
    if (SETTLED.has(e.outcome.status)) return now;
    due = now + pendingDelayMs;
  }
  return due;
}

