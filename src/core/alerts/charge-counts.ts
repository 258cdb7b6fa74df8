// A period's charge per criteria id (contract §8) from small per-line counts, so the live service can keep them in Redis instead of re-reading every outcome.
import type { Outcome } from '../engine/outcome.ts';
import { amountFor } from '../price.ts';
import type { Price } from '../price.ts';

/**
 * What an invoice line's amount depends on, counted per criteria id. `charged` keys are
 * `period|version`: outcomes billed (credited ones too) in that period under that version. `credited`
 * keys are `upheldPeriod|billedPeriod|version`: credits of that charge line upheld in that period.
 * Over-limit outcomes are in neither: they are not charged and their credit credits nothing (§8).
 * A check as of an instant leaves out the credits upheld after it (countsOf's `asOf`).
 */
export interface ChargeCounts {
  readonly charged: ReadonlyMap<string, number>;
  readonly credited: ReadonlyMap<string, number>;
}

/**
 * One counter: `n|id|period|version` (charged), `k|id|upheld|billed|version` (credited), or
 * `u|id|upheld|billed|version|at`: how many of those credits were upheld at instant `at` (epoch ms), so
 * a check can leave out the credits upheld after its instant. Ids and periods hold no `|`. A credit
 * counted before the `u` fields existed has none: it reads as upheld before every check, as it did.
 */
export type CounterField = string;

export const chargedField = (criteriaId: string, period: string, version: number): CounterField => `n|${criteriaId}|${period}|${version}`;
export const creditedField = (criteriaId: string, upheld: string, billed: string, version: number): CounterField => `k|${criteriaId}|${upheld}|${billed}|${version}`;
export const creditedAtField = (criteriaId: string, upheld: string, billed: string, version: number, at: number): CounterField => `u|${criteriaId}|${upheld}|${billed}|${version}|${at}`;

/** The counters these outcomes add up to, over every criteria id. */
export function counterFields(outcomes: readonly Outcome[]): Map<CounterField, number> {
  const out = new Map<CounterField, number>();
  const add = (field: CounterField) => out.set(field, (out.get(field) ?? 0) + 1);
  for (const o of outcomes) {
    // An outcome has a billing period once it settled billable (credited ones keep it), and a credit period once credited.
    if (o.billingPeriod === null || o.overLimit) continue;
    add(chargedField(o.criteriaId, o.billingPeriod, o.criteriaVersion));
    if (o.creditPeriod === null) continue;
    add(creditedField(o.criteriaId, o.creditPeriod, o.billingPeriod, o.criteriaVersion));
    if (o.creditedAt !== null) add(creditedAtField(o.criteriaId, o.creditPeriod, o.billingPeriod, o.criteriaVersion, o.creditedAt));
  }
  return out;
}

/** What a commit changes in the counters: after minus before, zero changes left out. */
export function counterDelta(before: ReadonlyMap<CounterField, number>, after: ReadonlyMap<CounterField, number>): Record<CounterField, number> {
  const delta: Record<CounterField, number> = {};
  for (const [field, n] of after) delta[field] = n - (before.get(field) ?? 0);
  for (const [field, n] of before) if (!after.has(field)) delta[field] = -n;
  for (const field of Object.keys(delta)) if (delta[field] === 0) delete delta[field];
  return delta;
}

/**
 * One criteria id's counts out of stored counters (other ids' fields and unknown ones are skipped), as
 * of `asOf` (epoch ms): credits upheld after it are left out. The counters are the committed ledger's,
 * and records commit out of event-time order: without this a credit upheld after a check's instant,
 * committed before the check ran, would hide a threshold the check's settlement reached.
 */
export function countsOf(criteriaId: string, fields: Readonly<Record<string, string | number>>, asOf = Number.POSITIVE_INFINITY): ChargeCounts {
  const charged = new Map<string, number>();
  const credited = new Map<string, number>();
  const later = new Map<string, number>();
  for (const [field, raw] of Object.entries(fields)) {
    const parts = field.split('|');
    const n = Number(raw);
    if (parts[1] !== criteriaId || !Number.isSafeInteger(n) || n <= 0) continue;
    const line = parts.slice(2, 5).join('|');
    if (parts[0] === 'n' && parts.length === 4) charged.set(`${parts[2]}|${parts[3]}`, n);
    else if (parts[0] === 'k' && parts.length === 5) credited.set(line, n);
    else if (parts[0] === 'u' && parts.length === 6 && Number(parts[5]) > asOf) later.set(line, (later.get(line) ?? 0) + n);
  }
  for (const [line, n] of later) {
    const left = (credited.get(line) ?? 0) - n;
    if (left > 0) credited.set(line, left);
    else credited.delete(line);
  }
  return { charged, credited };
}

/** The ledger as of `at` for its credits: a credit upheld after `at` is undone (its outcome billable again), as a check at `at` must rate it. */
export function creditsAsOf(outcomes: readonly Outcome[], at: number): readonly Outcome[] {
  if (!outcomes.some((o) => o.creditedAt !== null && o.creditedAt > at)) return outcomes;
  return outcomes.map((o) => (o.creditedAt !== null && o.creditedAt > at ? { ...o, status: 'billable' as const, creditedAt: null, creditPeriod: null } : o));
}

/** The compiled price of a criteria version. */
export type PriceOfVersion = (version: number) => Price;

/**
 * The id's charge in `period`, in minor units: its charge lines there, less the credits upheld there
 * (contract §6: the j-th credit of a line, in the order upheld, gives back amount(n − j) − amount(n − j − 1),
 * never below 0). Credits upheld in an earlier period came first, so a line's credits in `period`
 * are the positions after those.
 */
export function periodChargeMinor(counts: ChargeCounts, period: string, priceOf: PriceOfVersion): bigint {
  let total = 0n;
  for (const [key, n] of counts.charged) {
    const [billed, version] = splitKey(key);
    if (billed === period) total += amountFor(priceOf(version), n).amountMinor;
  }
  for (const [key, k] of counts.credited) {
    const [upheld, billed, v] = key.split('|') as [string, string, string];
    if (upheld !== period) continue;
    const version = Number(v);
    const n = counts.charged.get(`${billed}|${version}`) ?? 0;
    let before = 0;
    for (const [other, count] of counts.credited) {
      const [otherUpheld, otherBilled, otherVersion] = other.split('|') as [string, string, string];
      if (otherBilled === billed && Number(otherVersion) === version && otherUpheld < period) before += count;
    }
    total -= creditsMinor(priceOf(version), n, before, k);
  }
  return total;
}

/** The credits at positions `before` … `before + k − 1` of a line of `n` charged outcomes. */
function creditsMinor(price: Price, n: number, before: number, k: number): bigint {
  let sum = 0n;
  for (let j = before; j < before + k && n - j - 1 >= 0; j++) {
    const back = amountFor(price, n - j).amountMinor - amountFor(price, n - j - 1).amountMinor;
    if (back > 0n) sum += back;
  }
  return sum;
}

function splitKey(key: string): [string, number] {
  const bar = key.lastIndexOf('|');
  return [key.slice(0, bar), Number(key.slice(bar + 1))];
}

/** A period of an id whose charge a commit raised, with the latest settlement there: the instant its thresholds are checked at. */
export interface RaisedCharge {
  readonly criteriaId: string;
  readonly period: string;
  readonly at: number;
}

/** The periods whose charge lines grew in a commit (credits only lower a charge: they fire nothing). */
export function raisedCharges(delta: Readonly<Record<CounterField, number>>, outcomes: readonly Outcome[]): RaisedCharge[] {
  const raised = new Map<string, RaisedCharge>();
  for (const [field, n] of Object.entries(delta)) {
    const [kind, criteriaId, period] = field.split('|') as [string, string, string];
    if (kind !== 'n' || n <= 0) continue;
    let at = Number.NEGATIVE_INFINITY;
    for (const o of outcomes) if (o.criteriaId === criteriaId && o.billingPeriod === period && o.settledAt !== null && o.settledAt > at) at = o.settledAt;
    // Each line of an id and period gives the same instant: the latest settlement there.
    if (Number.isFinite(at)) raised.set(`${criteriaId}|${period}`, { criteriaId, period, at });
  }
  return [...raised.values()];
}
