// Rating (contract §6) and credits (§5): billable outcomes become invoice lines, re-rated when disputes are upheld.

import { wouldHaveCost } from './limits.ts';
import { formatAmount } from './money.ts';
import { amountFor } from './price.ts';
import type { Price } from './price.ts';

/** One outcome that settled `billable`, with the credit it got if a dispute on it was upheld. */
export interface BilledItem {
  readonly criteriaId: string;
  /** The pinned version: its price rates the outcome. */
  readonly criteriaVersion: number;
  /** The billing period in which it settled billable (`2026-11`). */
  readonly billingPeriod: string;
  /** Set when a dispute was upheld: `period` is the billing period it was upheld in, `at` its time (epoch ms). */
  readonly credit: null | { readonly period: string; readonly at: number };
  /** Past its id's budget limit for the period (contract §8): listed, not charged, and its credit credits nothing. */
  readonly overLimit?: boolean;
}

/** The compiled price of a criteria version. */
export type PriceOf = (criteriaId: string, version: number) => Price;

export interface InvoiceTier {
  readonly from: number;
  readonly to: number | null;
  readonly quantity: number;
  readonly unitAmount: string;
  readonly amount: string;
}

export interface ChargeLine {
  readonly kind: 'charge';
  readonly period: string;
  readonly criteriaId: string;
  readonly criteriaVersion: number;
  readonly currency: string;
  readonly quantity: number;
  readonly amount: string;
  readonly tiers: readonly InvoiceTier[];
}

export interface CreditLine {
  readonly kind: 'credit';
  /** The period whose invoice carries the credit: the one in which the disputes were upheld. */
  readonly period: string;
  readonly criteriaId: string;
  readonly criteriaVersion: number;
  readonly currency: string;
  /** Minus the number of credited outcomes. */
  readonly quantity: number;
  /**
   * Minus the re-rated difference, never above 0: where a volume price's count drops below a tier
   * boundary into a dearer tier, that credit is 0 (contract §6: a credit never raises a bill).
   */
  readonly amount: string;
  /** The period of the charge line the credited outcomes were billed on. */
  readonly creditFor: string;
}

/** The outcomes of a line past the id's budget limit (contract §8): verified and listed, not charged. */
export interface OverLimitLine {
  readonly kind: 'over_limit';
  readonly period: string;
  readonly criteriaId: string;
  readonly criteriaVersion: number;
  readonly currency: string;
  readonly quantity: number;
  /** Always zero: nothing of it is charged. */
  readonly amount: string;
  /** What they would have cost after the line's charged outcomes (`wouldHaveCost` in limits.ts). */
  readonly wouldHaveCost: string;
}

export type InvoiceLine = ChargeLine | OverLimitLine | CreditLine;

interface Credit {
  readonly period: string;
  readonly at: number;
  /** Position in the input, so equal times keep a deterministic order. */
  readonly seq: number;
}

interface Line {
  readonly period: string;
  readonly criteriaId: string;
  readonly criteriaVersion: number;
  /** The charged outcomes: those over limit are counted apart. */
  count: number;
  overLimit: number;
  readonly credits: Credit[];
}

interface CreditGroup {
  readonly period: string;
  quantity: number;
  amountMinor: bigint;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const LINE_ORDER: Readonly<Record<InvoiceLine['kind'], number>> = { charge: 0, over_limit: 1, credit: 2 };

function sortKey(line: InvoiceLine): [string, string, number, number, string] {
  return [line.period, line.criteriaId, line.criteriaVersion, LINE_ORDER[line.kind], line.kind === 'credit' ? line.creditFor : ''];
}

function compareLines(a: InvoiceLine, b: InvoiceLine): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return (
    compareText(ka[0], kb[0]) ||
    compareText(ka[1], kb[1]) ||
    ka[2] - kb[2] ||
    ka[3] - kb[3] ||
    compareText(ka[4], kb[4])
  );
}

/**
 * The invoice lines for these billed outcomes: one charge line per (period, criteria id, version) with
 * charged outcomes, one over-limit line per (period, criteria id, version) with outcomes over limit, and
 * one credit line per (period upheld, criteria id, version, period billed). Sorted by period, criteria
 * id, version, then charge, over-limit and credit lines (credits by the period they are for).
 */
export function buildInvoice(items: Iterable<BilledItem>, priceOf: PriceOf): InvoiceLine[] {
  const priceFor = memoPrices(priceOf);
  const out: InvoiceLine[] = [];
  for (const line of chargeLines(items)) {
    const price = priceFor(line.criteriaId, line.criteriaVersion);
    const currency = { code: price.currency, digits: price.digits };
    if (line.count > 0) out.push(chargeLine(line, price));
    if (line.overLimit > 0) out.push(overLimitLine(line, price));
    for (const group of creditGroups(line, price)) {
      out.push({
        kind: 'credit',
        period: group.period,
        criteriaId: line.criteriaId,
        criteriaVersion: line.criteriaVersion,
        currency: price.currency,
        quantity: -group.quantity,
        amount: formatAmount(-group.amountMinor, currency),
        creditFor: line.period,
      });
    }
  }
  return out.sort(compareLines);
}

/** The billed outcomes counted per (period, criteria id, version), each with its credits in arrival order. */
function chargeLines(items: Iterable<BilledItem>): Iterable<Line> {
  // JSON keeps the key unambiguous whatever characters an id or period holds.
  const lines = new Map<string, Line>();
  let seq = 0;
  for (const item of items) {
    const key = JSON.stringify([item.billingPeriod, item.criteriaId, item.criteriaVersion]);
    let line = lines.get(key);
    if (line === undefined) {
      line = { period: item.billingPeriod, criteriaId: item.criteriaId, criteriaVersion: item.criteriaVersion, count: 0, overLimit: 0, credits: [] };
      lines.set(key, line);
    }
    // Contract §8: crediting an over-limit outcome credits nothing, as nothing of it was charged.
    if (item.overLimit === true) {
      line.overLimit += 1;
      continue;
    }
    // A credited outcome was billed in its period all the same: it counts on the charge line.
    line.count += 1;
    if (item.credit !== null) line.credits.push({ period: item.credit.period, at: item.credit.at, seq: seq++ });
  }
  return lines.values();
}

/** Each version's price is looked up once per invoice. */
function memoPrices(priceOf: PriceOf): PriceOf {
  const prices = new Map<string, Price>();
  return (criteriaId, version) => {
    const key = JSON.stringify([criteriaId, version]);
    let price = prices.get(key);
    if (price === undefined) {
      price = priceOf(criteriaId, version);
      prices.set(key, price);
    }
    return price;
  };
}

function chargeLine(line: Line, price: Price): InvoiceLine {
  const rated = amountFor(price, line.count);
  const currency = { code: price.currency, digits: price.digits };
  return {
    kind: 'charge',
    period: line.period,
    criteriaId: line.criteriaId,
    criteriaVersion: line.criteriaVersion,
    currency: price.currency,
    quantity: line.count,
    amount: formatAmount(rated.amountMinor, currency),
    tiers: rated.tiers.map((t) => ({
      from: t.from,
      to: t.to,
      quantity: t.quantity,
      unitAmount: formatAmount(t.unitMinor, currency),
      amount: formatAmount(t.amountMinor, currency),
    })),
  };
}

function overLimitLine(line: Line, price: Price): InvoiceLine {
  return {
    kind: 'over_limit',
    period: line.period,
    criteriaId: line.criteriaId,
    criteriaVersion: line.criteriaVersion,
    currency: price.currency,
    quantity: line.overLimit,
    amount: formatAmount(0n, price.currency),
    wouldHaveCost: formatAmount(wouldHaveCost(price, line.count, line.overLimit), price.currency),
  };
}

/**
 * The credits of one charge line, re-rated (contract §5) and summed per period in which they were upheld.
 * Taken in time order, the outcome credited after j others gives back amount(n − j) − amount(n − j − 1),
 * or 0 where that is negative; so under graduated and flat prices the credits of a line add up to what
 * the line would have cost without those outcomes.
 */
function creditGroups(line: Line, price: Price): CreditGroup[] {
  const ordered = [...line.credits].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const groups = new Map<string, CreditGroup>();
  let remaining = line.count;
  let remainingAmount = amountFor(price, remaining).amountMinor;
  for (const credit of ordered) {
    remaining -= 1;
    const nextAmount = amountFor(price, remaining).amountMinor;
    let group = groups.get(credit.period);
    if (group === undefined) {
      group = { period: credit.period, quantity: 0, amountMinor: 0n };
      groups.set(credit.period, group);
    }
    group.quantity += 1;
    // Contract §6: a credit never raises a bill, even where one fewer outcome costs more (volume tiers).
    const giveBack = remainingAmount - nextAmount;
    if (giveBack > 0n) group.amountMinor += giveBack;
    remainingAmount = nextAmount;
  }
  return [...groups.values()];
}
