// Use case: a record's kept history for late inputs: replay in event time from the checkpoint when one arrives behind the clock, fold what is past the horizon.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import { advance } from '../core/engine/advance.ts';
import type { Advanced } from '../core/engine/advance.ts';
import type { Effect } from '../core/engine/decide.ts';
import { isSignal, sortInTimeOrder } from '../core/engine/input.ts';
import type { RecordInput } from '../core/engine/input.ts';
import { archivable } from '../core/engine/archive.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { PauseLookup } from '../core/engine/pauses.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import { defaultLateHorizonMs, isBehind, lateCauseOf, markCorrections, replayFrom } from '../core/engine/replay.ts';
import type { Corrections } from '../core/engine/replay.ts';
import type { Signal } from '../core/types.ts';
import { readSignal } from './crm-verification.ts';
import type { CrmVerificationDeps, UnverifiedSettlement } from './crm-verification.ts';
import type { HistoryChange, KeptInput, LoadedRecord, PortalLogEntry, RecordHistory, RecordRef, SignalStore } from './ports.ts';

/** One run's decision over what was loaded, what it adds to the portal's log, and what it keeps. */
export interface Run {
  readonly state: RecordState;
  readonly advanced: Advanced;
  /** Signals (CRM reads included) and actions the run applies. */
  readonly inputs: number;
  readonly logged: PortalLogEntry[];
  readonly unverified: readonly UnverifiedSettlement[];
  readonly history: HistoryChange;
  /** Set when the run replayed the record for a late input: what came out different. */
  readonly corrections: Corrections | null;
  /** The late inputs a replay put in their place (none when the run did not replay). */
  readonly lateInputs: readonly RecordInput[];
  /** Inputs older than the checkpoint: too late to change history, folded into it (docs/decisions.md). */
  readonly tooLate: readonly RecordInput[];
}

/** The horizon in force: LATE_HORIZON_MS when set, else HubSpot's retry span plus the longest attempt of any version. */
export const horizonOf = (configured: number | undefined, criteria: CriteriaSet): number => configured ?? defaultLateHorizonMs(criteria.versions());

/** Inputs are folded in batches, once the oldest kept is this share of the horizon past it, so a busy record does not fold on every run. */
const FOLD_BATCH_SHARE = 8;

/** A CRM read's place among the kept inputs of its instant: first, as its kept member (sequence 0) sorts. */
const READ_MEMBER = `${'0'.repeat(16)}|`;

const byAtThenMember = (a: { at: number; member: string }, b: { at: number; member: string }): number => a.at - b.at || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0);

interface Entry {
  readonly member: string;
  readonly at: number;
  readonly input: RecordInput;
}

/** The loaded pending inputs as entries of the kept set. */
function freshOf(loaded: LoadedRecord): Entry[] {
  const out: Entry[] = [];
  for (const p of loaded.pending) out.push({ member: p.member, at: p.signal.at, input: p.signal });
  for (const a of loaded.actions) out.push({ member: a.member, at: a.action.at, input: a.action });
  return out;
}

/** Entries in the order advance() applies them: by event time, then member (reads, then sequence), signals before actions at one instant. */
function inOrder(entries: readonly Entry[]): RecordInput[] {
  return sortInTimeOrder([...entries].sort(byAtThenMember).map((e) => e.input));
}

/** The earliest loaded input behind the record's clock: the run must replay. Null when none is. */
export function firstBehind(loaded: LoadedRecord): RecordInput | null {
  const state = loaded.state;
  if (state === null) return null;
  let first: RecordInput | null = null;
  for (const e of freshOf(loaded)) if (isBehind(state, e.input) && (first === null || e.at < first.at)) first = e.input;
  return first;
}

export interface ReplayContext {
  readonly record: RecordRef;
  readonly loaded: LoadedRecord;
  readonly history: RecordHistory;
  readonly watermark: number;
  readonly criteria: CriteriaSet;
  readonly pauses: PauseLookup;
}

/**
 * Re-derives the record from its checkpoint with every kept input and the new ones in event-time order,
 * as `simulate` would, and marks what came out different from the record as it would be had only the
 * on-time inputs come. Inputs older than the checkpoint cannot be put in their place: they fold into the
 * checkpoint as late (the record's clock there), which is what a replay then starts from.
 */
export function replayRun(ctx: ReplayContext, late: RecordInput, reads: readonly Signal[] = []): Run {
  const { loaded, history, watermark, criteria, pauses } = ctx;
  const hot = loaded.state;
  const checkpoint = history.checkpoint;
  // planRun replays only a record that has a state (an input is behind its clock) and a checkpoint.
  if (hot === null || checkpoint === null) throw new Error(`replayRun: record ${ctx.record.objectType} ${ctx.record.recordId} has no ${hot === null ? 'state' : 'checkpoint'} to replay from`);
  const fresh = freshOf(loaded);
  const tooLate = fresh.filter((e) => isBehind(checkpoint, e.input));
  const inTime = fresh.filter((e) => !isBehind(checkpoint, e.input));
  let base = checkpoint;
  if (tooLate.length > 0) base = replayFrom(checkpoint, inOrder(tooLate), checkpoint.clock - 1, criteria, pauses).state;
  const kept: Entry[] = history.kept.map((k) => ({ member: k.member, at: k.input.at, input: k.input }));
  for (const r of reads) kept.push({ member: READ_MEMBER, at: r.at, input: r });
  const { state, advanced } = replayFrom(base, inOrder([...kept, ...inTime]), watermark, criteria, pauses);
  // What the on-time inputs alone would have made: the corrections are what the late ones change on top.
  const onTime = structuredClone(hot);
  advance(onTime, inOrder(inTime.filter((e) => !isBehind(hot, e.input))), watermark, criteria, pauses);
  const corrections = markCorrections(onTime, state, lateCauseOf(late), watermark);
  const fresher = new Set<RecordInput>(fresh.map((e) => e.input));
  const refused = advanced.refused.filter((r) => fresher.has(r.action));
  // A withdrawn outcome counts as changed too: the record's billing properties are written again without it.
  const effects: Effect[] = [...changedSince(hot, state), ...corrections.withdrawn].map((outcome) => ({ type: 'outcome_changed' as const, outcome }));
  if (advanced.nextTimerAt !== null) effects.push({ type: 'wake_at', at: advanced.nextTimerAt });
  return {
    state,
    advanced: { effects, nextTimerAt: advanced.nextTimerAt, refused },
    inputs: fresh.length,
    logged: [...reads.map((signal) => ({ entry: 'signal' as const, signal })), ...refused.map((r) => ({ entry: 'refused' as const, action: r.action, problem: r.error }))],
    unverified: [],
    history: { keep: inTime.map((e) => ({ member: e.member, at: e.at })), keepReads: reads, drop: [], checkpoint: tooLate.length > 0 ? base : null },
    corrections,
    lateInputs: inTime.filter((e) => isBehind(hot, e.input)).map((e) => e.input),
    tooLate: tooLate.map((e) => e.input),
  };
}

/** Whether the outcome's settlement rests on a HubSpot read at its instant. */
const readAtSettlement = (o: Outcome): boolean => o.trail.some((e) => e.type === 'signal' && e.kind === 'crm_read' && e.at === o.settledAt);

/**
 * The HubSpot read a replay's billable settlements rest on, as a run's settlements do (crm-verification.ts):
 * an outcome that settles billable in the replay at an instant the record did not, and without a kept
 * read there, gets the record's snapshot applied at that instant when the snapshot was read after it
 * and no signal came between the two (so it shows the record as it was then), and the replay runs again
 * with those reads. The others settle on signals alone, reported as unverified: their instants lie hours
 * back, far past the wait a run gives a read.
 */
export async function verifyReplay(crm: CrmVerificationDeps, ctx: ReplayContext, late: RecordInput, run: Run): Promise<Run> {
  const hot = new Map((ctx.loaded.state?.outcomes ?? []).map((o) => [o.outcomeId, o]));
  const settlingIn = (state: RecordState) =>
    state.outcomes.filter((o) => {
      const was = hot.get(o.outcomeId);
      return o.status === 'billable' && o.settledAt !== null && !readAtSettlement(o) && (was?.status !== 'billable' || was.settledAt !== o.settledAt);
    });
  const settling = settlingIn(run.state);
  if (settling.length === 0) return run;
  const snapshot = await crm.snapshots.get(ctx.record);
  const signalTimes = [...ctx.history.kept.map((k) => k.input), ...freshOf(ctx.loaded).map((e) => e.input)].filter((i) => isSignal(i) && i.kind !== 'crm_read').map((i) => i.at);
  const shows = (at: number) => snapshot !== null && snapshot.readAt >= at && !signalTimes.some((t) => t > at && t <= snapshot.readAt);
  const instants = [...new Set(settling.map((o) => o.settledAt!))].filter(shows).sort((a, b) => a - b);
  const verified = instants.length === 0 ? run : replayRun(ctx, late, instants.map((at) => readSignal(ctx.record, snapshot!, at)));
  // Read off the pass that is committed: the reads can change what settles billable, and when.
  const unverified = settlingIn(verified.state)
    .filter((o) => !instants.includes(o.settledAt!))
    .map((o) => ({ outcomeId: o.outcomeId, settledAt: o.settledAt! }));
  return { ...verified, unverified };
}

/** Outcomes of `after` that are new or differ in anything (trail included) from `before`: what to write back. */
function changedSince(before: RecordState, after: RecordState) {
  const old = new Map(before.outcomes.map((o) => [o.outcomeId, JSON.stringify(o)]));
  return after.outcomes.filter((o) => old.get(o.outcomeId) !== JSON.stringify(o));
}

/** What an on-time run keeps: its inputs and reads, and the state it started from when the record has no checkpoint yet. */
export function keepOnTime(loaded: LoadedRecord, reads: readonly Signal[], start: RecordState | null): HistoryChange {
  return { keep: freshOf(loaded).map((e) => ({ member: e.member, at: e.at })), keepReads: reads, drop: [], checkpoint: start };
}

/**
 * Folds into the checkpoint every kept input older than the horizon (behind `watermark - horizonMs`),
 * once the oldest is a batch past it, so the kept set stays bounded by the horizon. Reads the history
 * only then (or reuses the replay's). The change is what the commit writes with the state.
 */
export async function withFold(
  store: SignalStore,
  ctx: { readonly record: RecordRef; readonly loaded: LoadedRecord; readonly history: RecordHistory | null; readonly watermark: number; readonly criteria: CriteriaSet; readonly pauses: PauseLookup },
  change: HistoryChange,
  horizonMs: number,
): Promise<HistoryChange> {
  const foldTo = ctx.watermark - horizonMs;
  const ats = [...change.keep.map((k) => k.at), ...change.keepReads.map((r) => r.at)];
  if (ctx.loaded.kept.oldestAt !== null) ats.push(ctx.loaded.kept.oldestAt);
  if (ats.length === 0 || Math.min(...ats) > foldTo - horizonMs / FOLD_BATCH_SHARE) return change;
  const history = ctx.history ?? (await store.history(ctx.record));
  const checkpoint = change.checkpoint ?? history.checkpoint;
  if (checkpoint === null) return change;
  const inputs = new Map<string, RecordInput>(freshOf(ctx.loaded).map((e) => [e.member, e.input]));
  const entries: Entry[] = history.kept.map((k: KeptInput) => ({ member: k.member, at: k.input.at, input: k.input }));
  for (const k of change.keep) entries.push({ member: k.member, at: k.at, input: inputs.get(k.member)! });
  for (const r of change.keepReads) entries.push({ member: READ_MEMBER, at: r.at, input: r });
  const folded = entries.filter((e) => e.at <= foldTo);
  return {
    keep: change.keep.filter((k) => k.at > foldTo),
    keepReads: change.keepReads.filter((r) => r.at > foldTo),
    drop: history.kept.filter((k) => k.input.at <= foldTo).map((k) => k.member),
    checkpoint: replayFrom(checkpoint, inOrder(folded), foldTo, ctx.criteria, ctx.pauses).state,
  };
}

/**
 * After a fold, the outcomes nothing at or after the fold's time can change (archive.ts), judged on
 * both the new checkpoint and the run's state so a replay from the checkpoint and the state agree:
 * taken out of both (the state's copies go to the archive). Changes `state` and the checkpoint in place.
 */
export function withArchive(state: RecordState, change: HistoryChange, foldTo: number, disputeHorizonMs: number): HistoryChange {
  const checkpoint = change.checkpoint;
  if (checkpoint === null) return change;
  const inCheckpoint = new Set(archivable(checkpoint, foldTo, disputeHorizonMs).map((o) => o.outcomeId));
  const archive = archivable(state, foldTo, disputeHorizonMs).filter((o) => inCheckpoint.has(o.outcomeId));
  if (archive.length === 0) return change;
  const gone = new Set(archive.map((o) => o.outcomeId));
  for (const s of [state, checkpoint]) {
    s.outcomes = s.outcomes.filter((o) => !gone.has(o.outcomeId));
    s.archivedTo = Math.max(s.archivedTo ?? foldTo, foldTo);
  }
  return { ...change, archive };
}
