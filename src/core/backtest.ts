// The backtest (pure): a portal's stored inputs replayed twice, with the versions as they are and with a draft in force over a window, and what would change.
import { makeSet } from './criteria/criteria-set.ts';
import type { CriteriaSet } from './criteria/criteria-set.ts';
import type { CriteriaVersion } from './criteria/types.ts';
import type { Action } from './engine/input.ts';
import type { Outcome } from './engine/outcome.ts';
import { lineMinor } from './invoice/adjustments.ts';
import { compareOutcomes, invoiceOf, reasonsMostFirst, summarize } from './ledger-view.ts';
import type { Problem } from './problems.ts';
import { replayRecords } from './simulate.ts';
import type { InitialRecord } from './simulate.ts';
import type { ObjectType, Reason, Signal, Status } from './types.ts';

/** How many changed verdicts a result lists; `changedCount` counts them all. */
const BACKTEST_CHANGES_LISTED = 50;

export interface BacktestInput {
  /** Every version as it is (the registry's). */
  readonly criteria: CriteriaSet;
  /** The compiled draft: an existing id (its next version) or a new one. Its own effective_from is not read. */
  readonly draft: CriteriaVersion;
  /** Outcomes opened in [from, to) are counted (epoch ms). */
  readonly from: number;
  readonly to: number;
  /** Inclusive stop of the replay (now, for the live service): an outcome opened in the window settles on its later inputs up to here. */
  readonly asOf: number;
  /** Every stored input from the earliest kept, so records that began before the window have their state. */
  readonly signals: readonly Signal[];
  readonly actions: readonly Action[];
  readonly records: readonly InitialRecord[];
}

export interface BacktestSide {
  /** Presses on the window's attempts: first tries, retries, duplicates, suppressed (not paused presses, which open none). */
  readonly presses: number;
  readonly attempts: number;
  readonly successes: number;
  /** Settled billable, credited ones included (they were billed). */
  readonly billable: number;
  /** Opened in the window and not settled by `asOf`. */
  readonly pending: number;
  /** The invoice of the window's outcomes alone, per currency, in minor units: credits count, and a budget limit counts from the window's first outcome. */
  readonly charge: readonly { readonly currency: string; readonly minor: bigint }[];
  /** billable ÷ attempts; null with no attempt. */
  readonly yield: number | null;
  /** Not-billable outcomes per reason, the most frequent first (ties by reason). */
  readonly notBillable: readonly { readonly reason: Reason; readonly count: number }[];
}

export interface Verdict {
  readonly criteriaVersion: number;
  readonly status: Status;
  readonly reason: Reason | null;
}

/** An outcome whose verdict differs between the two runs; null on the side where the outcome does not exist. */
export interface VerdictChange {
  readonly outcomeId: string;
  readonly criteriaId: string;
  readonly objectType: ObjectType;
  readonly recordId: string;
  readonly openedAt: number;
  readonly before: Verdict | null;
  readonly after: Verdict | null;
}

export interface BacktestResult {
  /** The version number the draft ran under (its own, raised past any version it could not replace). */
  readonly draftVersion: number;
  readonly asIs: BacktestSide;
  readonly withDraft: BacktestSide;
  /** The first BACKTEST_CHANGES_LISTED, by opening time then outcome id. */
  readonly changes: readonly VerdictChange[];
  readonly changedCount: number;
}

export type BacktestOutcome = { readonly ok: true; readonly result: BacktestResult } | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Replays every input given (not only the window's: a record's state at the window's start depends on
 * what came before, e.g. a cap or a cool-down) and counts the outcomes opened in [from, to). Before
 * `from` both runs use the same versions, so they differ only from there on: the outcomes they count
 * are pinned to the version in force at their opening, the draft's on the second side.
 */
export function backtest(input: BacktestInput): BacktestOutcome {
  const placed = withDraft(input.criteria, input.draft, input.from);
  if (!placed.ok) return placed;
  const before = replay(input, input.criteria);
  const after = replay(input, placed.set);
  const { changes, changedCount } = verdictChanges(before.outcomes, after.outcomes);
  return {
    ok: true,
    result: { draftVersion: placed.version, asIs: before.side, withDraft: after.side, changes, changedCount },
  };
}

/**
 * The set with the draft in force from `from` on: the versions of its id that take effect at or after
 * `from` are dropped (the draft replaces them over the window), earlier ones stay for what opened
 * before. The draft keeps its number unless an earlier version holds it or a higher one.
 */
export function withDraft(criteria: CriteriaSet, draft: CriteriaVersion, from: number): { ok: true; set: CriteriaSet; version: number } | { ok: false; problems: Problem[] } {
  const own = criteria.versions().filter((v) => v.id === draft.id);
  const other = own.find((v) => v.object !== draft.object);
  if (other !== undefined) {
    return { ok: false, problems: [{ code: 'conflict', path: ['object'], message: `${draft.id} watches ${other.object} in v${other.version}; every version of an id must watch the same object (use a new id)` }] };
  }
  const kept = own.filter((v) => v.effectiveFrom < from);
  const version = Math.max(draft.version, ...kept.map((v) => v.version + 1));
  const rest = criteria.versions().filter((v) => v.id !== draft.id);
  return { ok: true, set: makeSet([...rest, ...kept, { ...draft, version, effectiveFrom: from }]), version };
}

function replay(input: BacktestInput, criteria: CriteriaSet): { outcomes: Outcome[]; side: BacktestSide } {
  // simulate()'s replay without its rating of the whole ledger: only the window's outcomes are rated.
  const run = replayRecords({ criteria, records: input.records, signals: input.signals, actions: input.actions, until: input.asOf });
  const inWindow = (at: number) => at >= input.from && at < input.to;
  const outcomes = run.outcomes.filter((o) => inWindow(o.openedAt));
  return { outcomes, side: sideOf(outcomes, criteria) };
}

function sideOf(outcomes: readonly Outcome[], criteria: CriteriaSet): BacktestSide {
  // Paused presses belong to no outcome and a record counts them without their times: not in a window's figures.
  const s = summarize(outcomes);
  const billable = s.billable + s.credited;
  const charge = new Map<string, bigint>();
  for (const line of invoiceOf(outcomes, criteria)) charge.set(line.currency, (charge.get(line.currency) ?? 0n) + lineMinor(line.amount, line.currency));
  const notBillable = reasonsMostFirst(Object.entries(s.byReason) as [Reason, number][]);
  return {
    presses: s.presses,
    attempts: s.attempts,
    successes: s.successes,
    billable,
    pending: s.pending,
    charge: [...charge].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, minor]) => ({ currency, minor })),
    yield: s.attempts === 0 ? null : billable / s.attempts,
    notBillable,
  };
}

const reasonOf = (o: Outcome): Reason | null => (o.status === 'not_billable' || o.status === 'failed' ? o.reason : null);
const verdictOf = (o: Outcome): Verdict => ({ criteriaVersion: o.criteriaVersion, status: o.status, reason: reasonOf(o) });
const sameVerdict = (before: Outcome, after: Outcome | undefined) => after !== undefined && before.status === after.status && reasonOf(before) === reasonOf(after);

/** Outcomes are matched by id (key and sequence); one on a single side is a change too (a new id's, a cap's). */
function verdictChanges(before: readonly Outcome[], after: readonly Outcome[]): { changes: VerdictChange[]; changedCount: number } {
  const afterById = new Map(after.map((o) => [o.outcomeId, o]));
  const beforeIds = new Set<string>();
  // Pairs whose verdicts differ, [outcome, before, after]: most do not, so nothing is built for them.
  const changed: [Outcome, Outcome | undefined, Outcome | undefined][] = [];
  for (const b of before) {
    beforeIds.add(b.outcomeId);
    const a = afterById.get(b.outcomeId);
    if (!sameVerdict(b, a)) changed.push([b, b, a]);
  }
  for (const a of after) if (!beforeIds.has(a.outcomeId)) changed.push([a, undefined, a]);
  // Two entries never tie: an id is listed once, and the key and sequence make the id.
  changed.sort(([x], [y]) => compareOutcomes(x, y));
  const changes = changed.slice(0, BACKTEST_CHANGES_LISTED).map(([o, b, a]): VerdictChange => ({
    outcomeId: o.outcomeId,
    criteriaId: o.criteriaId,
    objectType: o.objectType,
    recordId: o.recordId,
    openedAt: o.openedAt,
    before: b === undefined ? null : verdictOf(b),
    after: a === undefined ? null : verdictOf(a),
  }));
  return { changes, changedCount: changed.length };
}
