// The simulator: replays recorded signals through decide() with virtual time, record by record.
import type { CriteriaSet } from './criteria/criteria-set.ts';
import { advance } from './engine/advance.ts';
import { sortInTimeOrder } from './engine/input.ts';
import type { Outcome } from './engine/outcome.ts';
import { newRecordState } from './engine/record-state.ts';
import type { RecordState } from './engine/record-state.ts';
import { compareOutcomes, invoiceOf, summarize } from './ledger-view.ts';
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
  /** Inclusive stop; null runs until every outcome has settled. */
  readonly until: number | null;
}

export interface SimulationResult {
  readonly outcomes: Outcome[];
  readonly invoice: InvoiceLine[];
  readonly summary: Summary;
  readonly states: ReadonlyMap<string, RecordState>;
}

const recordKey = (objectType: string, id: string): string => `${objectType}:${id}`;

/**
 * Records never influence each other (caps and keys are per record), so each record's timeline is
 * replayed on its own: the same sequence of decide() calls the live service makes for that record.
 */
export function simulate(input: SimulationInput): SimulationResult {
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
  const states = new Map<string, RecordState>();
  const outcomes: Outcome[] = [];
  const end = until ?? Number.POSITIVE_INFINITY;
  for (const [key, signals] of timelines) {
    const first = signals[0]!;
    const state = newRecordState(first.objectType, first.recordId, initial.get(key)?.properties);
    // The list is this run's own, so it is sorted in place; the sort is stable: ties stay in file order.
    advance(state, sortInTimeOrder(signals), end, criteria);
    states.set(key, state);
    outcomes.push(...state.outcomes);
  }
  outcomes.sort(compareOutcomes);
  return { outcomes, invoice: invoiceOf(outcomes, criteria), summary: summarize(outcomes), states };
}
