// Budget limits (contract §8): which billable outcomes of an id's period are charged and which are over limit, what the over-limit ones would have cost, and a charge capped by a limit.
import type { CriteriaVersion } from './criteria/types.ts';
import { amountFor } from './price.ts';
import type { Price } from './price.ts';

/** One outcome that settled `billable` (it may be credited since): what the limit rule reads of it. */
export interface LimitItem {
  readonly outcomeId: string;
  readonly criteriaId: string;
  /** The pinned version: its price rates the outcome on its line. */
  readonly criteriaVersion: number;
  readonly billingPeriod: string;
  /** When it settled billable, epoch ms: the order in which an id's outcomes are charged. */
  readonly settledAt: number;
}

/** What the rule needs of the criteria: a version's price, and the version in force at an instant (its budget's limit). */
export interface LimitCriteria {
  get(id: string, version: number): Pick<CriteriaVersion, 'price'>;
  inForce(id: string, at: number): Pick<CriteriaVersion, 'price' | 'budget'> | null;
}

// Outcome ids are unique, so two outcomes settled at one instant are never equal.
const bySettlement = (a: LimitItem, b: LimitItem): number => a.settledAt - b.settledAt || (a.outcomeId < b.outcomeId ? -1 : 1);

/**
 * The ids of the outcomes over limit (contract §8). Per criteria id and billing period, the billable
 * outcomes are taken in settlement order (`settledAt`, then `outcomeId`); each is charged while the
 * id's charge with it (every version's line rated as in §6) stays at or below the limit of the version
 * in force at its settlement. The first that would take the charge past it ends the charged prefix:
 * it and every later one of that id and period are over limit, even one that alone would still fit.
 * Credits are not read: which outcomes are over limit is fixed by settlement order.
 */
export function overLimitIds(items: Iterable<LimitItem>, criteria: LimitCriteria): Set<string> {
  const groups = new Map<string, LimitItem[]>();
  for (const item of items) {
    const key = JSON.stringify([item.criteriaId, item.billingPeriod]);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const over = new Set<string>();
  for (const group of groups.values()) {
    let stopped = false;
    const lines = new Map<number, { price: Price; count: number; amountMinor: bigint }>();
    for (const item of group.sort(bySettlement)) {
      if (!stopped) stopped = !fits(item, lines, criteria);
      if (stopped) over.add(item.outcomeId);
    }
  }
  return over;
}

/** Charges `item` on its line when the id's charge with it stays within the limit in force at its settlement. */
function fits(item: LimitItem, lines: Map<number, { price: Price; count: number; amountMinor: bigint }>, criteria: LimitCriteria): boolean {
  const line = lines.get(item.criteriaVersion) ?? { price: criteria.get(item.criteriaId, item.criteriaVersion).price, count: 0, amountMinor: 0n };
  const next = { ...line, count: line.count + 1, amountMinor: amountFor(line.price, line.count + 1).amountMinor };
  const inForce = criteria.inForce(item.criteriaId, item.settledAt);
  const limit = inForce?.budget?.limitMinor ?? null;
  if (limit !== null) {
    // The limit is an amount in its version's currency: lines priced in another currency do not count against it.
    const currency = inForce!.price.currency;
    let charge = next.price.currency === currency ? next.amountMinor : 0n;
    for (const [version, l] of lines) if (version !== item.criteriaVersion && l.price.currency === currency) charge += l.amountMinor;
    if (charge > limit) return false;
  }
  lines.set(item.criteriaVersion, next);
  return true;
}

/**
 * What `m` over-limit outcomes after `n` charged on one line would have cost (contract §8): flat
 * m × unit; graduated the tier prices of positions n + 1 … n + m; volume m × the unit of the tier
 * that holds n + m.
 */
export function wouldHaveCost(price: Price, n: number, m: number): bigint {
  if (price.model === 'volume') return BigInt(m) * (amountFor(price, n + m).tiers[0]?.unitMinor ?? 0n);
  return amountFor(price, n + m).amountMinor - amountFor(price, n).amountMinor;
}

/** How many of k more outcomes a limit lets be charged, and the line's amount then. */
export interface CappedCharge {
  readonly charged: number;
  readonly amountMinor: bigint;
}

/**
 * The charge of up to `k` more outcomes on one line under a limit (contract §8): after `n` already
 * charged on the line (tiers continue from there) and `otherMinor` charged on the id's other lines of
 * the period, the next outcomes are charged while the id's charge stays at or below `limitMinor` (null:
 * no limit); the first that would pass it ends the prefix, as overLimitIds does. Forecasts price their
 * future positions with it (forecast.ts), so there is one implementation of the rule for both.
 * A caller whose period already has an over-limit outcome passes k = 0: nothing more is charged there.
 */
export function chargeUnderLimit(price: Price, n: number, k: number, limitMinor: bigint | null, otherMinor = 0n): CappedCharge {
  const last = n + Math.max(k, 0);
  const charged = limitMinor === null ? last - n : firstOver(price, n + 1, last, limitMinor - otherMinor) - 1 - n;
  return { charged, amountMinor: amountFor(price, n + charged).amountMinor };
}

/**
 * The first count in from..to whose line amount is above `room`, or to + 1. Within a tier the amount
 * only rises with the count, so each tier's run is skipped whole or halved; between tiers a volume
 * price can fall, which is why the runs are not halved as one.
 */
function firstOver(price: Price, from: number, to: number, room: bigint): number {
  const over = (count: number): boolean => amountFor(price, count).amountMinor > room;
  for (const [a, b] of tierRuns(price, from, to)) {
    if (!over(b)) continue;
    let lo = a;
    let hi = b;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (over(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  return to + 1;
}

/** The counts from..to cut at tier boundaries. */
function tierRuns(price: Price, from: number, to: number): [number, number][] {
  if (from > to) return [];
  const bounds = price.model === 'flat' ? [] : price.tiers.flatMap((t) => (t.upTo === null ? [] : [t.upTo]));
  const runs: [number, number][] = [];
  let a = from;
  for (const b of bounds) {
    if (b < a) continue;
    if (b >= to) break;
    runs.push([a, b]);
    a = b + 1;
  }
  runs.push([a, to]);
  return runs;
}
