// The simulator: replays recorded signals and operator actions through decide() with virtual time, record by record.
import type { CriteriaSet } from './criteria/criteria-set.ts';
import { advance } from './engine/advance.ts';
import type { DecideError } from './engine/decide.ts';
import { inTimeOrder, isPauseAction, recordOfOutcomeId, sortInTimeOrder } from './engine/input.ts';
import type { Action, DisputeAction, PauseAction, RecordInput } from './engine/input.ts';
import type { Outcome } from './engine/outcome.ts';
import { NO_PAUSES, PauseTimeline } from './engine/pauses.ts';
import type { PauseLookup } from './engine/pauses.ts';
import { newRecordState } from './engine/record-state.ts';
import type { RecordState } from './engine/record-state.ts';
import { compareOutcomes, invoiceOf, markOverLimit, summarize } from './ledger-view.ts';
import type { Summary } from './ledger-view.ts';
import type { InvoiceLine } from './rating.ts';
import type { ObjectType, Properties, Signal } from './types.ts';

export interface InitialRecord {
  readonly objectType: ObjectType;
  readonly id: string;
  readonly properties: Properties;
}

export interface SimulationInput {
  readonly criteria: CriteriaSet;
  readonly records: readonly InitialRecord[];
  /** In file order: ties in event time keep it. */
  readonly signals: readonly Signal[];
  /** Operator actions (contract §7) in the order they were taken: ties in `at` keep it. None when absent. */
  readonly actions?: readonly Action[];
  /** Inclusive stop; null runs until every outcome has settled. */
  readonly until: number | null;
}

/** An action that did not apply (contract §7): it changed nothing, and the run went on. */
export interface SimulationRefusal {
  readonly action: Action;
  readonly error: DecideError;
}

export interface SimulationResult {
  readonly outcomes: Outcome[];
  readonly invoice: InvoiceLine[];
  readonly summary: Summary;
  readonly states: ReadonlyMap<string, RecordState>;
  /** Every refused action, in the order they were taken (by `at`, ties in the order given). */
  readonly refused: readonly SimulationRefusal[];
}

const recordKey = (objectType: string, id: string): string => `${objectType}:${id}`;

/** The ledger replayed (replayRecords), then rated as a whole: over-limit marks, the invoice, the summary. */
export function simulate(input: SimulationInput): SimulationResult {
  const { outcomes, states, refused, paused } = replayRecords(input);
  // Over limit is a fact of the whole ledger (an id's period spans records): read once every record has run.
  markOverLimit(outcomes, input.criteria);
  return { outcomes, invoice: invoiceOf(outcomes, input.criteria), summary: summarize(outcomes, paused), states, refused };
}

/**
 * The replay without rating: every record's outcomes in ledger order (over-limit marks not set), for
 * callers that rate only part of it (the backtest). Records never influence each other (caps and keys
 * are per record), so each record's timeline is replayed on its own: the same sequence of decide()
 * calls the live service makes for that record. Pauses are the one input every record reads: they are
 * built first, from every pause and resume.
 */
export function replayRecords(input: SimulationInput): { outcomes: Outcome[]; states: ReadonlyMap<string, RecordState>; refused: readonly SimulationRefusal[]; paused: number } {
  const { criteria, until } = input;
  const initial = new Map(input.records.map((r) => [recordKey(r.objectType, r.id), r]));
  const timelines = new Map<string, Signal[]>();
  for (const s of input.signals) {
    if (until !== null && s.at > until) continue;
    const key = recordKey(s.objectType, s.recordId);
    const list = timelines.get(key);
    if (list) list.push(s);
    else timelines.set(key, [s]);
  }
  const given = input.actions ?? [];
  const actions = actionsByKind(given, until);
  const refused: SimulationRefusal[] = [];
  const pauses = actions.pauses.length === 0 ? NO_PAUSES : pauseTimeline(actions.pauses, criteria, refused);
  const disputes = disputesByRecord(actions.disputes, timelines, refused);

  const states = new Map<string, RecordState>();
  const outcomes: Outcome[] = [];
  let paused = 0;
  const end = until ?? Number.POSITIVE_INFINITY;
  for (const [key, signals] of timelines) {
    const first = signals[0]!;
    const state = newRecordState(first.objectType, first.recordId, initial.get(key)?.properties);
    const own = disputes.get(key);
    // The signal list is this run's own, so it is sorted in place; the sort is stable: ties stay in file order.
    const inputs: RecordInput[] = own === undefined ? sortInTimeOrder(signals) : inTimeOrder(signals, own);
    for (const r of advance(state, inputs, end, criteria, pauses).refused) refused.push(r);
    states.set(key, state);
    outcomes.push(...state.outcomes);
    paused += state.paused;
  }
  outcomes.sort(compareOutcomes);
  return { outcomes, states, refused: inTakenOrder(refused, given), paused };
}

/** The actions up to `until`, split into the portal's pauses and each outcome's disputes, in the order given. */
function actionsByKind(all: readonly Action[], until: number | null): { pauses: PauseAction[]; disputes: DisputeAction[] } {
  const pauses: PauseAction[] = [];
  const disputes: DisputeAction[] = [];
  for (const a of all) {
    if (until !== null && a.at > until) continue;
    if (isPauseAction(a)) pauses.push(a);
    else disputes.push(a);
  }
  return { pauses, disputes };
}

/** Applies pauses and resumes by `at` (ties in the order taken); those that do not apply are refused. */
function pauseTimeline(pauses: PauseAction[], criteria: CriteriaSet, refused: SimulationRefusal[]): PauseLookup {
  const ids = new Set(criteria.versions().map((v) => v.id));
  const known = (id: string) => ids.has(id);
  const timeline = new PauseTimeline();
  for (const action of pauses.sort((a, b) => a.at - b.at)) {
    const error = timeline.apply(action, known);
    if (error !== null) refused.push({ action, error });
  }
  return timeline;
}

/** Each dispute goes to its outcome's record; one for a record with no signals names no outcome there. */
function disputesByRecord(disputes: readonly DisputeAction[], timelines: ReadonlyMap<string, Signal[]>, refused: SimulationRefusal[]): Map<string, DisputeAction[]> {
  const byRecord = new Map<string, DisputeAction[]>();
  for (const action of disputes) {
    const record = recordOfOutcomeId(action.outcomeId);
    const key = record === null ? null : recordKey(record.objectType, record.recordId);
    if (key === null || !timelines.has(key)) {
      refused.push({ action, error: { code: 'unknown_outcome', path: ['outcomeId'], message: `no outcome ${action.outcomeId}` } });
      continue;
    }
    const list = byRecord.get(key);
    if (list) list.push(action);
    else byRecord.set(key, [action]);
  }
  return byRecord;
}

/** Refusals by the time their action was taken, ties in the order the actions were given. */
function inTakenOrder(refused: SimulationRefusal[], actions: readonly Action[]): SimulationRefusal[] {
  const order = new Map<Action, number>();
  actions.forEach((a, i) => {
    if (!order.has(a)) order.set(a, i);
  });
  return refused.sort((x, y) => x.action.at - y.action.at || (order.get(x.action) ?? 0) - (order.get(y.action) ?? 0));
}
