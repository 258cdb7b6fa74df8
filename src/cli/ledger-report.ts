// The ledger report (simulate's and the live ledger's): cli.md's JSON document and the table for people.
import type { Summary } from '../core/ledger-view.ts';
import type { OutcomeView } from '../core/ledger-view.ts';
import type { AlertView } from '../core/alerts/thresholds.ts';
import type { InvoiceLine } from '../core/rating.ts';
import { renderTable } from './table.ts';

export interface LedgerReport {
  outcomes: OutcomeView[];
  invoice: InvoiceLine[];
  summary: Summary;
  /** Budget alerts the replay fired (simulate only: docs/decisions.md), in the order they fired. */
  alerts?: AlertView[];
  /** What was replayed (simulate only). */
  input?: {
    portalId: number | null;
    events: number;
    duplicates: number;
    ignored: { at: string; subscriptionType: string; reason: string }[];
    signals: number;
    /** Operator actions given (--actions), and those refused, each with where it is in the file and why. */
    actions?: number;
    refused?: { where: string; at: string; type: string; target: string; code: string; reason: string }[];
    until: string | null;
  };
}

/** `2026-11-03 10:00:00Z`: compact and still unambiguous UTC. */
const short = (iso: string | null): string => (iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`);

/** `upheld 2026-11-25`: the latest dispute's state and when it got there. */
function disputeCell(o: OutcomeView): string {
  const d = o.dispute;
  if (d === null) return '-';
  return `${d.state} ${(d.resolvedAt ?? d.openedAt).slice(0, 10)}`;
}

function alertsTable(alerts: readonly AlertView[]): string[] {
  const rows = alerts.map((a) => [short(a.at), a.criteriaId, a.period, `${a.threshold} %`, `${a.charge} ${a.currency}`, `${a.expected} ${a.currency}`]);
  return [`Budget alerts (${alerts.length})`, renderTable(['AT', 'CRITERIA', 'PERIOD', 'THRESHOLD', 'CHARGE', 'EXPECTED'], rows, new Set([3, 4, 5]))];
}

/** How a charge line's amount is made up, and what an over-limit line would have cost (contract §8). */
function tiersCell(l: InvoiceLine): string {
  if (l.kind === 'charge') return l.tiers.map((t) => `${t.quantity} × ${t.unitAmount}`).join(' + ');
  if (l.kind === 'over_limit') return `not charged: would have cost ${l.wouldHaveCost} ${l.currency}`;
  return '';
}

export function renderTableReport(r: LedgerReport): string {
  const parts: string[] = [];
  parts.push(`Outcomes (${r.outcomes.length})`);
  parts.push(
    renderTable(
      ['OUTCOME', 'VER', 'STATUS', 'REASON', 'TRIES', 'SUPPR', 'DUPS', 'OPENED', 'SUCCEEDED', 'SETTLED', 'PERIOD', 'DISPUTE'],
      r.outcomes.map((o) => [
        o.outcomeId,
        `v${o.criteriaVersion}`,
        // Contract §8: billable (the work was verified) but not charged.
        o.overLimit ? `${o.status} (over limit)` : o.status,
        o.reason === null ? '-' : o.label ? `${o.reason} (${o.label})` : o.reason,
        String(o.tries),
        String(o.suppressed),
        String(o.duplicates),
        short(o.openedAt),
        short(o.succeededAt),
        short(o.settledAt),
        o.billingPeriod ?? '-',
        disputeCell(o),
      ]),
      new Set([4, 5, 6]),
    ),
  );
  parts.push('', `Invoice (${r.invoice.length} line${r.invoice.length === 1 ? '' : 's'})`);
  parts.push(
    renderTable(
      ['PERIOD', 'CRITERIA', 'VER', 'LINE', 'QTY', 'AMOUNT', 'TIERS'],
      r.invoice.map((l) => [
        l.period,
        l.criteriaId,
        `v${l.criteriaVersion}`,
        l.kind === 'credit' ? `credit for ${l.creditFor}` : l.kind === 'over_limit' ? 'over limit' : 'charge',
        String(l.quantity),
        `${l.amount} ${l.currency}`,
        tiersCell(l),
      ]),
      new Set([4, 5]),
    ),
  );
  const s = r.summary;
  const overLimit = r.outcomes.filter((o) => o.overLimit).length;
  const reasons = Object.entries(s.byReason).map(([k, v]) => `${k} ${v}`).join(', ');
  parts.push(
    '',
    `Presses ${s.presses} (suppressed ${s.suppressed}, duplicates ${s.duplicates}${s.paused > 0 ? `, paused ${s.paused}` : ''}) · attempts ${s.attempts} · successes ${s.successes} · billable ${s.billable}` +
      (s.credited > 0 ? ` · credited ${s.credited}` : '') +
      (overLimit > 0 ? ` · over limit ${overLimit} (not charged)` : '') +
      (s.pending > 0 ? ` · still pending ${s.pending}` : ''),
    `Not billable: ${reasons === '' ? 'none' : reasons}`,
  );
  if (r.alerts !== undefined && r.alerts.length > 0) parts.push('', ...alertsTable(r.alerts));
  if (r.input) {
    parts.push(
      `Input: ${r.input.events} events, ${r.input.duplicates} repeated deliveries counted once, ${r.input.ignored.length} ignored` +
        (r.input.actions ? ` · ${r.input.actions} actions, ${r.input.refused?.length ?? 0} refused` : '') +
        (r.input.until ? ` · clock stopped at ${r.input.until}` : ''),
    );
  }
  return parts.join('\n');
}
