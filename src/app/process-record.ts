// Use case: bring one record up to the watermark: apply its due signals and actions in event time, fire its timers, commit atomically.
import { counterDelta, counterFields, raisedCharges } from '../core/alerts/charge-counts.ts';
import type { RaisedCharge } from '../core/alerts/charge-counts.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { advance } from '../core/engine/advance.ts';
import type { Advanced, Refusal } from '../core/engine/advance.ts';
import type { Effect } from '../core/engine/decide.ts';
import { inTimeOrder, isSignal } from '../core/engine/input.ts';
import type { RecordInput } from '../core/engine/input.ts';
import { SETTLED } from '../core/engine/outcome.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { PauseLookup } from '../core/engine/pauses.ts';
import { newRecordState } from '../core/engine/record-state.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import type { Signal } from '../core/types.ts';
import { planVerification, withReads } from './crm-verification.ts';
import type { CrmVerificationDeps, UnverifiedSettlement } from './crm-verification.ts';
import { firstBehind, horizonOf, keepOnTime, replayRun, verifyReplay, withArchive, withFold } from './late-replay.ts';
import type { Run } from './late-replay.ts';
import { pauseTimelineOf } from './pause-log.ts';
import type { LoadedRecord, PortalLogEntry, RecordRef, RecordScheduler, SignalStore } from './ports.ts';

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
  /**
   * False without a HubSpot token: nothing would drain the write-back outbox, so changes are not queued
   * and the outbox cannot fill; `reconcile --repair` queues what HubSpot misses once a token is set.
   */
  readonly writeBack?: boolean;
  /**
   * How long after its event time an input can still change history (LATE_HORIZON_MS); by default
   * HubSpot's 24 h of retries plus the longest attempt of any criteria version (docs/decisions.md).
   */
  readonly lateHorizonMs?: number;
  /**
   * How long after settling a billable outcome can still be disputed (DISPUTE_HORIZON_MS): past it and
   * past the late horizon, settled outcomes leave the record's hot state for its archive (docs/decisions.md, "Bounded state").
   */
  readonly disputeHorizonMs?: number;
  /**
   * Brings the criteria up to date (versions published meanwhile) before each pass. Called after the
   * pass reads its clock: a version published after the call takes effect after that instant, later
   * than every signal the pass applies, which are held `holdMs` (docs/decisions.md, "Published criteria").
   */
  readonly beforePass?: () => Promise<void>;
}

/** A quarter: long enough for an invoice to be read and questioned. */
export const DEFAULT_DISPUTE_HORIZON_MS = 90 * 24 * 3_600_000;

export type ProcessResult = ProcessedResult | { readonly kind: 'waiting_for_crm' };

export interface ProcessedResult {
  readonly kind: 'processed';
  /** Signals applied. */
  readonly applied: number;
  /** Dispute actions applied (refused ones included: they are taken off the record and logged). */
  readonly actions: number;
  /** Stored actions the run found it could not apply: each kept in the portal's log with its reason. */
  readonly refused: readonly Refusal[];
  /** Signals older than the record's checkpoint (past the horizon): folded in at the checkpoint's clock, marked `late`. */
  readonly late: readonly Signal[];
  /** Late inputs (behind the record's clock, within the horizon) put in their place by a replay. */
  readonly replayedLate: readonly RecordInput[];
  /** What replays changed: each outcome with the `corrected` entry that says why. */
  readonly corrected: readonly Outcome[];
  readonly appeared: readonly Outcome[];
  readonly withdrawn: readonly Outcome[];
  /** Outcomes whose state changed and was committed: what to write back. */
  readonly changed: readonly Outcome[];
  /** Event time of the record's next due signal or timer, already scheduled; null when nothing is pending. */
  readonly nextWakeAt: number | null;
  readonly conflicts: number;
  /** Outcomes that settled billable without their CRM read because it did not come in time (committed ones only). */
  readonly unverified: readonly UnverifiedSettlement[];
  /** Periods of ids with a budget whose charge the committed runs raised: their alert thresholds need a check. */
  readonly chargeChecks: readonly RaisedCharge[];
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
  const totals = { applied: 0, actions: 0 };
  const late: Signal[] = [];
  const changed = new Map<string, Outcome>();
  const unverified: UnverifiedSettlement[] = [];
  const refused: Refusal[] = [];
  const chargeChecks: RaisedCharge[] = [];
  const fixes = { replayedLate: [] as RecordInput[], corrected: [] as Outcome[], appeared: [] as Outcome[], withdrawn: [] as Outcome[] };
  const result = (nextWakeAt: number | null): ProcessedResult => ({ kind: 'processed', ...totals, late, ...fixes, changed: [...changed.values()], nextWakeAt, conflicts, unverified, refused, chargeChecks });
  while (conflicts < MAX_CONFLICTS) {
    const now = deps.clock();
    await deps.beforePass?.();
    const watermark = now - deps.holdMs;
    const loaded = await deps.store.load(record, watermark);
    // decide() updates the loaded state in place: note what the counts by status start from.
    const statusesBefore = loaded.state?.outcomes.map((o) => o.status) ?? [];
    const countersBefore = counterFields(loaded.state?.outcomes ?? []);
    const run = await planRun(deps, record, loaded, watermark, now);
    if (run === null) return { kind: 'waiting_for_crm' };
    const { effects, nextTimerAt } = run.advanced;
    // A job that finds nothing to apply and no timer due (another job got there first) writes nothing.
    if (run.inputs === 0 && !effects.some((e) => e.type === 'outcome_changed')) return result(nextTimerAt);
    // Outcomes archived by this commit leave the state, not the ledger: they stay counted.
    const countersAfter = counterFields([...run.state.outcomes, ...(run.history?.archive ?? [])]);
    const counters = { delta: counterDelta(countersBefore, countersAfter), full: Object.fromEntries(countersAfter) };
    const checks = raisedCharges(counters.delta, run.state.outcomes).filter((c) => hasBudget(deps.criteria(), c.criteriaId));
    const committed = await deps.store.commit({
      record,
      version: loaded.version,
      state: run.state,
      applied: [...loaded.pending, ...loaded.actions],
      nextTimerAt,
      writeDueAt: deps.writeBack === false ? null : writeDueAt(effects, now, deps.pendingWriteDelayMs ?? 0),
      statusesBefore,
      logged: run.logged,
      history: run.history,
      counters,
      chargeChecks: checks,
    });
    if (!committed.ok) {
      conflicts++;
      continue;
    }
    // Counted once committed: a run that lost the compare-and-set settled nothing, and its retry plans again.
    unverified.push(...run.unverified);
    chargeChecks.push(...checks);
    totals.applied += loaded.pending.length;
    totals.actions += loaded.actions.length;
    refused.push(...run.advanced.refused);
    for (const e of effects) {
      if (e.type === 'outcome_changed') changed.set(e.outcome.outcomeId, e.outcome);
      else if (e.type === 'late_signal') late.push(e.signal);
    }
    noteReplay(fixes, late, run);
    // Inputs stored while this one ran, already due: apply them now rather than wait for a wake.
    if (committed.nextPendingAt !== null && committed.nextPendingAt <= deps.clock() - deps.holdMs && ++passes < MAX_PASSES) continue;
    // Every change of a record's due time queues a job for the new time; an unchanged one has its job.
    if (committed.dueChanged && committed.dueAt !== null) await deps.scheduler.wake(record, committed.dueAt);
    return result(committed.dueAt);
  }
  throw new RecordContendedError(`record ${record.objectType} ${record.recordId}: still contended after ${MAX_CONFLICTS} conflicting commits`);
}

/** What a replay adds to the job's result: the late inputs put in place, the outcomes corrected, and those too late. */
function noteReplay(fixes: { replayedLate: RecordInput[]; corrected: Outcome[]; appeared: Outcome[]; withdrawn: Outcome[] }, late: Signal[], run: Run): void {
  for (const input of run.tooLate) if (isSignal(input)) late.push(input);
  if (run.corrections === null) return;
  for (const input of run.lateInputs) fixes.replayedLate.push(input);
  fixes.corrected.push(...run.corrections.changed);
  fixes.appeared.push(...run.corrections.appeared);
  fixes.withdrawn.push(...run.corrections.withdrawn);
}

interface RunContext {
  readonly record: RecordRef;
  readonly loaded: LoadedRecord;
  readonly watermark: number;
  readonly criteria: CriteriaSet;
  readonly pauses: PauseLookup;
}

/**
 * The run for what was loaded: a replay from the checkpoint when an input is behind the record's clock
 * (and the record has a checkpoint), else the usual run on the record's state; then the fold of what
 * is past the horizon. Null while a CRM read is awaited.
 */
async function planRun(deps: ProcessDeps, record: RecordRef, loaded: LoadedRecord, watermark: number, now: number): Promise<Run | null> {
  const criteria = deps.criteria();
  const pauses = pauseTimelineOf(loaded.pauses, criteria);
  const horizonMs = horizonOf(deps.lateHorizonMs, criteria);
  const late = loaded.kept.checkpointed ? firstBehind(loaded) : null;
  const history = late === null ? null : await deps.store.history(record);
  const ctx = { record, loaded, history, watermark, criteria, pauses };
  let run: Run | null;
  if (late !== null && history !== null && history.checkpoint !== null) {
    const replay = { ...ctx, history };
    run = replayRun(replay, late);
    if (deps.crm) run = await verifyReplay(deps.crm, replay, late, run);
  } else run = await decideRun(deps, ctx, now);
  if (run === null) return null;
  const folded = await withFold(deps.store, ctx, run.history, horizonMs);
  // Only a fold moves the checkpoint, and only then can more outcomes be past every horizon.
  if (folded === run.history) return run;
  return { ...run, history: withArchive(run.state, folded, watermark - horizonMs, deps.disputeHorizonMs ?? DEFAULT_DISPUTE_HORIZON_MS) };
}

/**
 * Applies the pending signals and dispute actions in time order (at one instant signals, then actions,
 * then timers: contract §7), with the portal's pauses; null while a CRM read is awaited. The CRM reads
 * applied and the snapshot a new record starts from go to the portal's log with the commit, and so does
 * an action refused here (its dry run accepted it, so this should not happen): kept, never dropped.
 */
async function decideRun(deps: ProcessDeps, ctx: RunContext, now: number): Promise<Run | null> {
  const { record, loaded, watermark, criteria, pauses } = ctx;
  // A record without a checkpoint (new, or committed before late replay existed) starts keeping history from the state this run starts from.
  let start: RecordState | null = null;
  let reads: readonly Signal[] = [];
  const actions = loaded.actions.map((a) => a.action);
  let state: RecordState = loaded.state ?? newRecordState(record.objectType, record.recordId);
  let signals: readonly Signal[] = loaded.pending.map((p) => p.signal);
  let done: Advanced | null = null;
  let unverified: readonly UnverifiedSettlement[] = [];
  const logged: PortalLogEntry[] = [];
  if (deps.crm) {
    const plan = await planVerification(deps.crm, record, loaded.state, loaded.pending, watermark, now, criteria, actions, pauses);
    if (plan.kind === 'wait') return null;
    unverified = plan.unverified;
    const initial = plan.initial;
    if (initial) logged.push({ entry: 'initial', objectType: record.objectType, recordId: record.recordId, found: initial.found, properties: initial.properties });
    if (!loaded.kept.checkpointed) start = structuredClone(plan.state);
    if (plan.done) {
      // The plan's dry run already is this run: no read changes it.
      state = plan.done.state;
      done = plan.done.advanced;
    } else {
      state = plan.state;
      reads = plan.reads;
      signals = withReads(loaded.pending, plan.reads);
      for (const read of plan.reads) logged.push({ entry: 'signal', signal: read });
    }
  } else if (!loaded.kept.checkpointed) start = structuredClone(state);
  const advanced = done ?? advance(state, inTimeOrder(signals, actions), watermark, criteria, pauses);
  for (const r of advanced.refused) logged.push({ entry: 'refused', action: r.action, problem: r.error });
  const history = keepOnTime(loaded, reads, start);
  return { state, advanced, inputs: signals.length + actions.length, logged, unverified, history, corrections: null, lateInputs: [], tooLate: [] };
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

/** Only ids with a budget in some version are checked for alerts; the counters are kept for every id. */
function hasBudget(criteria: CriteriaSet, criteriaId: string): boolean {
  return criteria.versions().some((v) => v.id === criteriaId && v.budget !== null);
}
