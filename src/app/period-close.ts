// Use case: `period close`: freeze a period's invoice as an immutable snapshot with its SHA-256, once the period is over and nothing due in it is still waiting.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { canonicalJson } from '../core/invoice/adjustments.ts';
import type { ClosedPeriod } from '../core/invoice/adjustments.ts';
import { periodEndAcross } from '../core/invoice/periods.ts';
import type { Problem } from '../core/problems.ts';
import { isoUtc } from '../core/time.ts';
import { liveLines, snapshotOf } from './invoices.ts';
import type { PeriodStore, StoredSnapshot } from './period-ports.ts';
import type { RecordRef } from './ports.ts';

export interface CloseInput {
  readonly portalId: number;
  readonly period: string;
  readonly now: number;
  readonly outcomes: readonly Outcome[];
  readonly criteria: CriteriaSet;
  readonly closed: ReadonlyMap<string, ClosedPeriod>;
}

export interface CloseDeps {
  readonly periods: PeriodStore;
  /** Records with inputs or timers due by `dueBy` (event time) that no worker has applied yet. */
  readonly dueRecords: (dueBy: number) => Promise<readonly RecordRef[]>;
}

export type CloseResult =
  | { readonly kind: 'closed'; readonly stored: StoredSnapshot }
  /** Closed before: nothing changed. */
  | { readonly kind: 'already'; readonly stored: StoredSnapshot }
  | { readonly kind: 'refused'; readonly problems: readonly Problem[] };

/** Refusals are listed in full so that finance sees everything that holds the close up. */
const MAX_LISTED = 20;

export async function closePeriod(deps: CloseDeps, input: CloseInput): Promise<CloseResult> {
  const frozen = input.closed.get(input.period);
  if (frozen) return { kind: 'already', stored: { period: input.period, text: canonicalJson(frozen.snapshot), sha256: frozen.sha256 } };
  const problems = await unfinished(deps, input);
  if (problems.length > 0) return { kind: 'refused', problems };
  const lines = liveLines(input.period, input.outcomes, input.criteria, input.closed);
  const { text, sha256 } = snapshotOf(input.portalId, input.period, isoUtc(input.now), lines);
  const stored: StoredSnapshot = { period: input.period, text, sha256 };
  const result = await deps.periods.close(input.portalId, stored);
  return result.kind === 'closed' ? { kind: 'closed', stored } : { kind: 'already', stored: result.stored };
}

/**
 * What could still change the period's invoice: the period has not ended in every criteria's time zone,
 * an outcome's deadline or review end falls inside it and has not been applied (a review that ends
 * inside the period settles billable in it), or a record has inputs or timers due inside it that no
 * worker has applied yet.
 */
async function unfinished(deps: CloseDeps, input: CloseInput): Promise<Problem[]> {
  const end = periodEndAcross(input.period, input.criteria.versions().map((v) => v.timezone));
  if (input.now < end) {
    return [{ code: 'invalid_value', path: ['period'], message: `${input.period} has not ended: it ends at ${isoUtc(end)} (in the latest time zone of the criteria), and can be closed from then on` }];
  }
  const problems: Problem[] = [];
  const pending = input.outcomes.filter((o) => (o.status === 'open' && o.deadline < end) || (o.status === 'in_review' && o.reviewEndsAt !== null && o.reviewEndsAt < end));
  for (const o of pending.slice(0, MAX_LISTED)) {
    const due = o.status === 'open' ? o.deadline : o.reviewEndsAt!;
    problems.push({ code: 'conflict', path: ['outcomes', o.outcomeId], message: `still ${o.status}, due to settle at ${isoUtc(due)} inside ${input.period}: wait for the workers to apply it` });
  }
  const due = (await deps.dueRecords(end - 1)).filter((r) => r.portalId === input.portalId);
  for (const r of due.slice(0, MAX_LISTED)) {
    problems.push({ code: 'conflict', path: ['records', `${r.objectType}:${r.recordId}`], message: `has signals or timers due inside ${input.period} that no worker has applied yet` });
  }
  const left = pending.length + due.length - problems.length;
  if (left > 0) problems.push({ code: 'conflict', path: ['period'], message: `and ${left} more outcomes or records still due inside ${input.period}` });
  return problems;
}
