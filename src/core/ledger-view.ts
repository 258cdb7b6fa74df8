// The ledger as people and tools read it: outcome JSON (cli.md field rules), the invoice and the summary.
import type { CriteriaSet } from './criteria/criteria-set.ts';
import type { Dispute, LateCause, Outcome, TrailEntry } from './engine/outcome.ts';
import { overLimitIds } from './limits.ts';
import type { LimitItem } from './limits.ts';
import { buildInvoice } from './rating.ts';
import type { BilledItem, InvoiceLine } from './rating.ts';
import { isoUtc } from './time.ts';
import type { ObjectType, Reason, Status, UserRef } from './types.ts';

export interface OutcomeView {
  outcomeId: string;
  idempotencyKey: string;
  criteriaId: string;
  criteriaVersion: number;
  objectType: ObjectType;
  recordId: string;
  status: Status;
  reason: Reason | null;
  label: string | null;
  tries: number;
  suppressed: number;
  duplicates: number;
  openedAt: string;
  succeededAt: string | null;
  settledAt: string | null;
  billingPeriod: string | null;
  /** While pending: when the current try must succeed by, or when the review ends. */
  deadline: string | null;
  reviewEndsAt: string | null;
  /** The latest dispute, in cli.md's shape. */
  dispute: null | {
    state: 'open' | 'upheld' | 'rejected';
    openedAt: string;
    openedBy: UserRef;
    reason: string;
    resolvedAt: string | null;
    resolvedBy: UserRef | null;
    note: string | null;
  };
  agentId: string | null;
  costCentre: string | null;
  overLimit: boolean;
  /**
   * How a billable (or credited) outcome's settlement was verified: `signals + CRM read` when the live
   * service read the record from HubSpot at the settlement instant, else `signals`; null while unsettled.
   */
  verification: 'signals' | 'signals + CRM read' | null;
  /** A credited outcome: the period it was billed in, which its credit line corrects (`creditFor`). */
  billedPeriod: string | null;
  creditPeriod: string | null;
  trail?: TrailView[];
}

/** Omit over each member of a union, keeping it discriminated. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type TrailView = OmitEach<TrailEntry, 'at' | 'signalAt' | 'lateInput'> & { at: string; signalAt?: string; lateInput?: Omit<LateCause, 'at'> & { at: string } };

const iso = (ms: number | null): string | null => (ms === null ? null : isoUtc(ms));

export function outcomeView(o: Outcome, withTrail = false): OutcomeView {
  const view: OutcomeView = {
    outcomeId: o.outcomeId,
    idempotencyKey: o.idempotencyKey,
    criteriaId: o.criteriaId,
    criteriaVersion: o.criteriaVersion,
    objectType: o.objectType,
    recordId: o.recordId,
    status: o.status,
    // cli.md: a reason for not_billable, and for failed the reason of the failed try.
    reason: o.status === 'not_billable' || o.status === 'failed' ? o.reason : null,
    label: o.status === 'not_billable' && o.reason === 'excluded' ? o.label : null,
    tries: o.tries,
    suppressed: o.suppressed,
    duplicates: o.duplicates,
    openedAt: isoUtc(o.openedAt),
    succeededAt: iso(o.succeededAt),
    settledAt: iso(o.settledAt),
    // cli.md: the period of a billable outcome, kept when it is later credited, else null.
    billingPeriod: o.status === 'billable' || o.status === 'credited' ? o.billingPeriod : null,
    deadline: o.status === 'open' ? isoUtc(o.deadline) : null,
    reviewEndsAt: o.status === 'in_review' ? iso(o.reviewEndsAt) : null,
    dispute: o.dispute === null ? null : disputeView(o.dispute),
    agentId: o.agentId,
    costCentre: o.costCentre,
    overLimit: o.overLimit,
    verification: o.status === 'billable' || o.status === 'credited' ? verificationOf(o) : null,
    billedPeriod: o.status === 'credited' ? o.billingPeriod : null,
    creditPeriod: o.creditPeriod,
  };
  if (withTrail) view.trail = o.trail.map(trailView);
  return view;
}

/** Exactly cli.md's shape and order, whatever else a stored dispute carries. */
function disputeView(d: Dispute): NonNullable<OutcomeView['dispute']> {
  return {
    state: d.state,
    openedAt: isoUtc(d.openedAt),
    openedBy: userView(d.openedBy),
    reason: d.reason,
    resolvedAt: iso(d.resolvedAt),
    resolvedBy: d.resolvedBy === null ? null : userView(d.resolvedBy),
    note: d.note,
  };
}

const userView = (u: UserRef): UserRef => ({ userId: u.userId, email: u.email });

function verificationOf(o: Outcome): 'signals' | 'signals + CRM read' {
  const read = o.trail.some((e) => e.type === 'signal' && e.kind === 'crm_read' && e.at === o.settledAt);
  return read ? 'signals + CRM read' : 'signals';
}

function trailView(e: TrailEntry): TrailView {
  const out = { ...e, at: isoUtc(e.at) } as TrailView;
  if (e.type === 'late') out.signalAt = isoUtc(e.signalAt);
  if (e.type === 'corrected') out.lateInput = { ...e.lateInput, at: isoUtc(e.lateInput.at) };
  return out;
}

/** cli.md's order: openedAt, then idempotencyKey, then sequence number. */
export function compareOutcomes(a: Outcome, b: Outcome): number {
  if (a.openedAt !== b.openedAt) return a.openedAt - b.openedAt;
  if (a.idempotencyKey !== b.idempotencyKey) return a.idempotencyKey < b.idempotencyKey ? -1 : 1;
  return a.seq - b.seq;
}

export interface Summary {
  /** Every press: first tries, retries, duplicates, suppressed and paused ones. */
  presses: number;
  suppressed: number;
  duplicates: number;
  /** Presses made while their criteria id was paused (contract §7): they did nothing else. */
  paused: number;
  attempts: number;
  successes: number;
  billable: number;
  credited: number;
  pending: number;
  byReason: Partial<Record<Reason, number>>;
}

/** `paused` is the records' count of paused presses (RecordState.paused): they belong to no outcome. */
export function summarize(outcomes: readonly Outcome[], paused = 0): Summary {
  const s: Summary = { presses: paused, suppressed: 0, duplicates: 0, paused, attempts: outcomes.length, successes: 0, billable: 0, credited: 0, pending: 0, byReason: {} };
  for (const o of outcomes) {
    // Every press lands on one attempt as its first try, a retry, a duplicate or a suppressed press.
    s.presses += o.tries + o.suppressed + o.duplicates;
    s.suppressed += o.suppressed;
    s.duplicates += o.duplicates;
    if (o.succeededAt !== null) s.successes++;
    if (o.status === 'billable') s.billable++;
    else if (o.status === 'credited') s.credited++;
    else if (o.status === 'not_billable' && o.reason !== null) s.byReason[o.reason] = (s.byReason[o.reason] ?? 0) + 1;
    else s.pending++;
  }
  return s;
}

/** The outcomes that settled billable (credited ones too: they were billed), as the limit rule reads them. */
function billedOutcomes(outcomes: readonly Outcome[]): (Outcome & LimitItem)[] {
  return outcomes.filter((o): o is Outcome & LimitItem => (o.status === 'billable' || o.status === 'credited') && o.billingPeriod !== null && o.settledAt !== null);
}

/** The ids of the outcomes over their id's budget limit for their period (contract §8), from the ledger as it is now. */
export function overLimitOf(outcomes: readonly Outcome[], criteria: CriteriaSet): Set<string> {
  return overLimitIds(billedOutcomes(outcomes), criteria);
}

/**
 * Sets each outcome's `overLimit` from the whole ledger (contract §8): whether an outcome is over limit
 * depends on its id's other outcomes of the period, on any record, so it is read off the ledger
 * rather than decided record by record. Returns the same outcomes.
 */
export function markOverLimit<T extends readonly Outcome[]>(outcomes: T, criteria: CriteriaSet): T {
  const over = overLimitOf(outcomes, criteria);
  for (const o of outcomes) o.overLimit = over.has(o.outcomeId);
  return outcomes;
}

/** Every outcome that settled billable is rated in its billing period, but for those over limit; upheld disputes add credits (contract §5, §6, §8). */
export function invoiceOf(outcomes: readonly Outcome[], criteria: CriteriaSet): InvoiceLine[] {
  const over = overLimitOf(outcomes, criteria);
  const items: BilledItem[] = billedOutcomes(outcomes).map((o) => ({
    criteriaId: o.criteriaId,
    criteriaVersion: o.criteriaVersion,
    billingPeriod: o.billingPeriod,
    credit: o.creditedAt !== null && o.creditPeriod !== null ? { period: o.creditPeriod, at: o.creditedAt } : null,
    overLimit: over.has(o.outcomeId),
  }));
  return buildInvoice(items, (id, version) => criteria.get(id, version).price);
}

/** Not-billable counts by reason, the most frequent first (ties by reason): as the home page and the backtest list them. */
export function reasonsMostFirst(counts: Iterable<readonly [Reason, number]>): { reason: Reason; count: number }[] {
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}
