// Closed periods (pure): a frozen invoice never changes, so whatever the ledger now says differently about it becomes adjustment lines on the next open period.
import { formatAmount, parseAmount } from '../money.ts';
import { lineKey } from './lines.ts';
import type { AdjustmentLine, PeriodLine, RatedLine } from './lines.ts';
import { nextPeriod } from './periods.ts';

export interface Total {
  readonly currency: string;
  readonly amount: string;
}

/** An invoice amount in minor units: invoice lines may be negative (credits, adjustments), which `parseAmount` refuses. */
export function lineMinor(amount: string, currency: string): bigint {
  return amount.startsWith('-') ? -parseAmount(amount.slice(1), currency) : parseAmount(amount, currency);
}

/** A period's invoice as frozen by `period close`; its SHA-256 is taken over `canonicalJson` of exactly this. */
export interface PeriodSnapshot {
  readonly portalId: number;
  readonly period: string;
  /** When it was closed, ISO 8601 UTC. */
  readonly closedAt: string;
  readonly lines: readonly PeriodLine[];
  readonly totals: readonly Total[];
}

export interface ClosedPeriod {
  readonly snapshot: PeriodSnapshot;
  readonly sha256: string;
}

/** The first period after `period` that is not closed: where changes to `period` go. */
export function firstOpenAfter(period: string, closed: ReadonlyMap<string, unknown>): string {
  let next = nextPeriod(period);
  while (closed.has(next)) next = nextPeriod(next);
  return next;
}

/** The sum of the lines' amounts per currency, currencies in alphabetical order. */
export function totalsOf(lines: readonly { readonly currency: string; readonly amount: string }[]): Total[] {
  const sums = new Map<string, bigint>();
  for (const l of lines) sums.set(l.currency, (sums.get(l.currency) ?? 0n) + lineMinor(l.amount, l.currency));
  // The default sort orders strings by code unit, which for ISO codes is alphabetical.
  return [...sums.keys()].sort().map((currency) => ({ currency, amount: formatAmount(sums.get(currency)!, currency) }));
}

/**
 * The lines of an open period: its own charge and credit lines from the ledger (a credit for a closed
 * period names that period's snapshot), then one adjustment line per line of each closed period that
 * the ledger now rates differently from what was invoiced, for the closed periods whose first open
 * successor is this one.
 */
export function openPeriodLines(period: string, rated: ReadonlyMap<string, readonly RatedLine[]>, closed: ReadonlyMap<string, ClosedPeriod>): PeriodLine[] {
  const own: PeriodLine[] = (rated.get(period) ?? []).map((l) => {
    if (l.kind !== 'credit') return l;
    const frozen = closed.get(l.creditFor);
    return frozen === undefined ? l : { ...l, adjusts: { period: l.creditFor, sha256: frozen.sha256 } };
  });
  const adjustments: PeriodLine[] = [];
  for (const p of [...closed.keys()].sort()) {
    // Only a period before `period` can have it as its first open successor.
    if (firstOpenAfter(p, closed) === period) adjustments.push(...adjustmentsFor(p, rated.get(p) ?? [], closed));
  }
  return [...own, ...adjustments];
}

interface Invoiced {
  readonly kind: 'charge' | 'credit';
  readonly criteriaId: string;
  readonly criteriaVersion: number;
  readonly creditFor: string | null;
  readonly currency: string;
  quantity: number;
  minor: bigint;
  readonly ids: Set<string>;
}

/** What has been invoiced for each line of closed period `p`: its snapshot, then the adjustments later snapshots froze. */
function invoicedFor(p: string, closed: ReadonlyMap<string, ClosedPeriod>): Map<string, Invoiced> {
  const out = new Map<string, Invoiced>();
  const entry = (kind: 'charge' | 'credit', l: { criteriaId: string; criteriaVersion: number; currency: string }, creditFor: string | null): Invoiced => {
    const key = lineKey({ kind, criteriaId: l.criteriaId, criteriaVersion: l.criteriaVersion, creditFor });
    let e = out.get(key);
    if (e === undefined) {
      e = { kind, criteriaId: l.criteriaId, criteriaVersion: l.criteriaVersion, creditFor, currency: l.currency, quantity: 0, minor: 0n, ids: new Set() };
      out.set(key, e);
    }
    return e;
  };
  for (const l of closed.get(p)?.snapshot.lines ?? []) {
    // An over-limit line charged nothing: outcomes moving across the limit show on the charge line.
    if (l.kind === 'adjustment' || l.kind === 'over_limit') continue;
    const e = entry(l.kind, l, l.kind === 'credit' ? l.creditFor : null);
    e.quantity += l.quantity;
    e.minor += lineMinor(l.amount, l.currency);
    for (const id of l.outcomeIds) e.ids.add(id);
  }
  // Adjustments to `p` are frozen only in later periods' snapshots; the order matters where one re-adds what another removed.
  for (const q of [...closed.keys()].sort()) {
    for (const l of closed.get(q)!.snapshot.lines) {
      if (l.kind !== 'adjustment' || l.adjusts.period !== p) continue;
      const e = entry(l.adjusts.line, l, l.adjusts.creditFor);
      e.quantity += l.quantity;
      e.minor += lineMinor(l.amount, l.currency);
      for (const id of l.added) e.ids.add(id);
      for (const id of l.removed) e.ids.delete(id);
    }
  }
  return out;
}

/** The difference between what the ledger now rates for closed period `p` and what was invoiced for it. */
export function adjustmentsFor(p: string, current: readonly RatedLine[], closed: ReadonlyMap<string, ClosedPeriod>): AdjustmentLine[] {
  const sha256 = closed.get(p)?.sha256 ?? '';
  const invoiced = invoicedFor(p, closed);
  const now = new Map(current.filter((l) => l.kind !== 'over_limit').map((l) => [lineKey(l), l] as const));
  const keys = [...new Set([...invoiced.keys(), ...now.keys()])];
  const out: AdjustmentLine[] = [];
  for (const key of keys) {
    const cur = now.get(key);
    const inv = invoiced.get(key);
    const base = (cur ?? inv)!;
    const currency = base.currency;
    const curIds = cur?.outcomeIds ?? [];
    const added = curIds.filter((id) => !inv?.ids.has(id));
    const removed = [...(inv?.ids ?? [])].filter((id) => !curIds.includes(id));
    const quantity = (cur?.quantity ?? 0) - (inv?.quantity ?? 0);
    const minor = (cur === undefined ? 0n : lineMinor(cur.amount, currency)) - (inv?.minor ?? 0n);
    if (quantity === 0 && minor === 0n && added.length === 0 && removed.length === 0) continue;
    const creditFor = cur !== undefined ? (cur.kind === 'credit' ? cur.creditFor : null) : inv!.creditFor;
    out.push({
      kind: 'adjustment',
      period: firstOpenAfter(p, closed),
      criteriaId: base.criteriaId,
      criteriaVersion: base.criteriaVersion,
      currency,
      quantity,
      amount: formatAmount(minor, currency),
      adjusts: { period: p, sha256, line: base.kind === 'credit' ? 'credit' : 'charge', creditFor },
      added,
      removed,
      outcomeIds: [...added, ...removed],
    });
  }
  return out.sort(compareAdjustments);
}

function compareAdjustments(a: AdjustmentLine, b: AdjustmentLine): number {
  const ka = [a.adjusts.period, a.criteriaId, String(a.criteriaVersion).padStart(10, '0'), a.adjusts.line, a.adjusts.creditFor ?? ''];
  const kb = [b.adjusts.period, b.criteriaId, String(b.criteriaVersion).padStart(10, '0'), b.adjusts.line, b.adjusts.creditFor ?? ''];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}

/** JSON with object keys sorted at every level and no spaces: the same snapshot always gives the same text, and so the same hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  // The default sort orders keys by UTF-16 code unit, the same on every run and machine.
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}
