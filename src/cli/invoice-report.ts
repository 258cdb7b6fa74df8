// The invoice as people and tools read it: the JSON document (with the breakdown when asked), a table, and CSV rows.
import { stringify } from 'csv-stringify/sync';
import type { InvoiceDocument, InvoiceLineDoc } from '../app/invoices.ts';
import { totalsOf } from '../core/invoice/adjustments.ts';
import { allocateLine } from '../core/invoice/allocation.ts';
import type { Breakdown, LinePart } from '../core/invoice/allocation.ts';
import { renderTable } from './table.ts';

export interface GroupTotal {
  readonly group: string | null;
  readonly currency: string;
  readonly quantity: number;
  readonly amount: string;
}

export type ReportLine = InvoiceLineDoc & { readonly breakdown?: readonly LinePart[] };

export interface InvoiceReport extends Omit<InvoiceDocument, 'lines'> {
  readonly lines: readonly ReportLine[];
  /** With --by: what was broken down by, and each group's sum over the lines (summing to `totals`). */
  readonly by?: Breakdown;
  readonly byGroup?: readonly GroupTotal[];
}

/** Adds each line's breakdown and the groups' totals; `groupOf` names an outcome's group. */
export function withBreakdown(doc: InvoiceDocument, by: Breakdown, groupOf: (outcomeId: string, line: InvoiceLineDoc) => string | null): InvoiceReport {
  const lines = doc.lines.map((l) => ({ ...l, breakdown: allocateLine(l, (id) => groupOf(id, l)) }));
  const sums = new Map<string, { group: string | null; currency: string; quantity: number; parts: { currency: string; amount: string }[] }>();
  for (const l of lines) {
    for (const p of l.breakdown) {
      const key = JSON.stringify([p.group, l.currency]);
      const s = sums.get(key) ?? { group: p.group, currency: l.currency, quantity: 0, parts: [] };
      s.quantity += p.quantity;
      s.parts.push({ currency: l.currency, amount: p.amount });
      sums.set(key, s);
    }
  }
  const byGroup = [...sums.values()]
    .map((s) => ({ group: s.group, currency: s.currency, quantity: s.quantity, amount: totalsOf(s.parts)[0]!.amount }))
    .sort((a, b) => (a.group === b.group ? (a.currency < b.currency ? -1 : 1) : a.group === null ? 1 : b.group === null ? -1 : a.group < b.group ? -1 : 1));
  return { ...doc, lines, by, byGroup };
}

/** What a line is, in a word or three: `charge`, `over limit, would have cost 40.00`, `credit for 2026-10`, `adjusts 2026-11 charge`. */
export function lineLabel(l: InvoiceLineDoc): string {
  if (l.kind === 'charge') return 'charge';
  if (l.kind === 'over_limit') return `over limit, would have cost ${l.wouldHaveCost}`;
  if (l.kind === 'credit') return `credit for ${l.creditFor}${l.adjusts ? ' (closed)' : ''}`;
  return `adjusts ${l.adjusts.period} ${l.adjusts.line === 'credit' ? `credit for ${l.adjusts.creditFor}` : 'charge'}`;
}

export function renderInvoiceTable(r: InvoiceReport): string {
  const head =
    r.state === 'closed'
      ? `Invoice ${r.period} for portal ${r.portalId}: closed ${r.closedAt}, SHA-256 ${r.sha256}`
      : `Invoice ${r.period} for portal ${r.portalId}: open (not closed; it may still change)`;
  const rows: string[][] = [];
  for (const l of r.lines) {
    const parts = r.by === undefined ? [null] : (l.breakdown ?? []);
    for (const p of parts) {
      rows.push([
        l.criteriaId,
        `v${l.criteriaVersion}`,
        lineLabel(l),
        ...(r.by === undefined ? [] : [p?.group ?? '(none)']),
        String(p?.quantity ?? l.quantity),
        `${p?.amount ?? l.amount} ${l.currency}`,
        String((p?.outcomeIds ?? l.outcomeIds).length),
      ]);
    }
  }
  const headers = ['CRITERIA', 'VER', 'LINE', ...(r.by === undefined ? [] : [groupHeader(r.by)]), 'QTY', 'AMOUNT', 'OUTCOMES'];
  const right = r.by === undefined ? new Set([3, 4, 5]) : new Set([4, 5, 6]);
  const parts = [head, renderTable(headers, rows, right), `Total: ${r.totals.map((t) => `${t.amount} ${t.currency}`).join(', ') || 'nothing'}`];
  if (r.byGroup) parts.push(`By ${r.by}: ${r.byGroup.map((g) => `${g.group ?? '(none)'} ${g.amount} ${g.currency}`).join(', ') || 'nothing'}`);
  parts.push("Outcome ids and their verification-log URLs: --format json or csv.");
  return parts.join('\n');
}

const groupHeader = (by: Breakdown): string => (by === 'criteria' ? 'CRITERIA ID' : by === 'agent' ? 'AGENT' : 'COST CENTRE');

export const CSV_COLUMNS = [
  'period',
  'kind',
  'criteria_id',
  'criteria_version',
  'credit_for',
  'adjusts_period',
  'adjusts_sha256',
  'group',
  'currency',
  'quantity',
  'amount',
  'outcome_ids',
  'verification_log_urls',
  'would_have_cost',
] as const;

/**
 * One row per line, or with --by one per line and group, so the `amount` column sums to the invoice in
 * either case. Lists inside a cell (outcome ids, URLs) are separated by spaces: neither contains one.
 */
export function invoiceCsv(r: InvoiceReport): string {
  const rows: (string | number)[][] = [];
  for (const l of r.lines) {
    const url = new Map(l.outcomes.map((o) => [o.outcomeId, o.verificationLogUrl ?? ''] as const));
    const parts: (LinePart | null)[] = r.by === undefined ? [null] : [...(l.breakdown ?? [])];
    for (const p of parts) {
      const ids = p?.outcomeIds ?? l.outcomeIds;
      rows.push([
        l.period,
        l.kind,
        l.criteriaId,
        l.criteriaVersion,
        l.kind === 'credit' ? l.creditFor : l.kind === 'adjustment' ? (l.adjusts.creditFor ?? '') : '',
        l.kind === 'charge' || l.kind === 'over_limit' ? '' : (l.adjusts?.period ?? ''),
        l.kind === 'charge' || l.kind === 'over_limit' ? '' : (l.adjusts?.sha256 ?? ''),
        p === null ? '' : (p.group ?? ''),
        l.currency,
        p?.quantity ?? l.quantity,
        p?.amount ?? l.amount,
        ids.join(' '),
        ids.map((id) => url.get(id) || '-').join(' '),
        // Over limit (contract §8): the whole line's, also on each of its groups' rows, as it is not an amount charged.
        l.kind === 'over_limit' ? l.wouldHaveCost : '',
      ]);
    }
  }
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], eof: true });
}
