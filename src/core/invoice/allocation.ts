// Allocation (contract §9): an invoice line broken down by criteria id, cost centre or agent, the parts summing exactly to the line.
import { formatAmount } from '../money.ts';
import { lineMinor } from './adjustments.ts';
import type { PeriodLine } from './lines.ts';

export const BREAKDOWNS = ['criteria', 'cost-centre', 'agent'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** One group's share of a line: `group` is the criteria id, cost centre or agent id (null when the outcome has none). */
export interface LinePart {
  readonly group: string | null;
  readonly quantity: number;
  readonly amount: string;
  readonly outcomeIds: readonly string[];
}

/**
 * Splits a line among the groups of its outcomes. Quantities go by count (an adjustment's added outcomes
 * count +1, its removed ones −1); the amount is shared equally among the outcomes the line names (a
 * graduated or volume line has no price per outcome, so each carries the line's average), in minor units,
 * the remainder one unit at a time to the first outcomes in the line's order, so the parts sum to the line
 * exactly. A line that names no outcome (an adjustment that only re-rates) is one part with group null.
 */
export function allocateLine(line: PeriodLine, groupOf: (outcomeId: string) => string | null): LinePart[] {
  const ids = line.outcomeIds;
  if (ids.length === 0) return [{ group: null, quantity: line.quantity, amount: line.amount, outcomeIds: [] }];
  const sign = (id: string): number => (line.kind === 'adjustment' ? (line.removed.includes(id) ? -1 : 1) : line.kind === 'credit' ? -1 : 1);
  const shares = equalShares(lineMinor(line.amount, line.currency), ids.length);
  const parts = new Map<string | null, { quantity: number; minor: bigint; outcomeIds: string[] }>();
  ids.forEach((id, i) => {
    const group = groupOf(id);
    let part = parts.get(group);
    if (part === undefined) {
      part = { quantity: 0, minor: 0n, outcomeIds: [] };
      parts.set(group, part);
    }
    part.quantity += sign(id);
    part.minor += shares[i]!;
    part.outcomeIds.push(id);
  });
  return [...parts.entries()]
    .sort(([a], [b]) => compareGroups(a, b))
    .map(([group, p]) => ({ group, quantity: p.quantity, amount: formatAmount(p.minor, line.currency), outcomeIds: p.outcomeIds }));
}

/** `total` in `n` shares that differ by at most one minor unit and sum to it; the larger ones first. */
export function equalShares(total: bigint, n: number): bigint[] {
  const count = BigInt(n);
  const base = total / count;
  let rest = total - base * count;
  const step = rest < 0n ? -1n : 1n;
  return Array.from({ length: n }, () => {
    if (rest === 0n) return base;
    rest -= step;
    return base + step;
  });
}

/** Groups in alphabetical order, the outcomes with none last. */
export function compareGroups(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
