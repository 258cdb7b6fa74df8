// A period's invoice lines with the outcomes behind each (cli.md `invoice`): simulate's lines, each naming its outcome ids.
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { Outcome } from '../engine/outcome.ts';
import { invoiceOf, overLimitOf } from '../ledger-view.ts';
import type { ChargeLine, CreditLine, OverLimitLine } from '../rating.ts';

/** What a line of an open period changes in a closed period's frozen invoice: that period, and the SHA-256 of its snapshot. */
export interface AdjustsRef {
  readonly period: string;
  readonly sha256: string;
}

/** A charge or credit line as `simulate` prints it, with the outcomes it counts (ledger order). */
export type RatedLine = (ChargeLine | OverLimitLine | CreditLine) & {
  readonly outcomeIds: readonly string[];
  /** A credit for a period that is closed: it adjusts that period's frozen invoice. */
  readonly adjusts?: AdjustsRef;
};

/**
 * A change to a closed period's invoice, carried by the next open period (contract: nothing rewrites a
 * closed invoice). It names the closed period, its snapshot's hash and the line it corrects; `added` are
 * outcomes that line counts now and did not when frozen, `removed` the reverse.
 */
export interface AdjustmentLine {
  readonly kind: 'adjustment';
  readonly period: string;
  readonly criteriaId: string;
  readonly criteriaVersion: number;
  readonly currency: string;
  readonly quantity: number;
  readonly amount: string;
  readonly adjusts: AdjustsRef & { readonly line: 'charge' | 'credit'; readonly creditFor: string | null };
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly outcomeIds: readonly string[];
}

export type PeriodLine = RatedLine | AdjustmentLine;

/** Which line of a period an outcome is counted on: charge and over-limit lines by id and version, credit lines also by the period billed. */
export function lineKey(l: { readonly kind: string; readonly criteriaId: string; readonly criteriaVersion: number; readonly creditFor?: string | null }): string {
  return JSON.stringify([l.kind, l.criteriaId, l.criteriaVersion, l.kind === 'credit' ? (l.creditFor ?? null) : null]);
}

/**
 * Every period's charge and credit lines from the ledger as it is now (contract §5, §6), each with its
 * outcome ids: a charge line counts the outcomes billed in its period (credited ones too: they were
 * billed), an over-limit line those past the budget limit (contract §8), a credit line the outcomes
 * credited in its period for that id, version and period billed (never an over-limit one: it was not charged).
 */
export function ratedLinesByPeriod(outcomes: readonly Outcome[], criteria: CriteriaSet): Map<string, RatedLine[]> {
  const ids = new Map<string, string[]>();
  const add = (period: string, key: string, id: string) => {
    const k = `${period} ${key}`;
    const list = ids.get(k);
    if (list) list.push(id);
    else ids.set(k, [id]);
  };
  const over = overLimitOf(outcomes, criteria);
  for (const o of outcomes) {
    if ((o.status !== 'billable' && o.status !== 'credited') || o.billingPeriod === null) continue;
    if (over.has(o.outcomeId)) {
      add(o.billingPeriod, lineKey({ kind: 'over_limit', criteriaId: o.criteriaId, criteriaVersion: o.criteriaVersion }), o.outcomeId);
      continue;
    }
    add(o.billingPeriod, lineKey({ kind: 'charge', criteriaId: o.criteriaId, criteriaVersion: o.criteriaVersion }), o.outcomeId);
    if (o.creditedAt !== null && o.creditPeriod !== null) {
      add(o.creditPeriod, lineKey({ kind: 'credit', criteriaId: o.criteriaId, criteriaVersion: o.criteriaVersion, creditFor: o.billingPeriod }), o.outcomeId);
    }
  }
  const byPeriod = new Map<string, RatedLine[]>();
  for (const line of invoiceOf(outcomes, criteria)) {
    const rated: RatedLine = { ...line, outcomeIds: ids.get(`${line.period} ${lineKey(line)}`) ?? [] };
    const list = byPeriod.get(line.period);
    if (list) list.push(rated);
    else byPeriod.set(line.period, [rated]);
  }
  return byPeriod;
}
