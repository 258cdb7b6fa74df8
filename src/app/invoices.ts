// Use case: a period's invoice (cli.md `invoice`): from its snapshot once closed, else from the ledger with adjustments to closed periods; each outcome with its verification-log URL.
import { createHash } from 'node:crypto';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { canonicalJson, openPeriodLines, totalsOf } from '../core/invoice/adjustments.ts';
import type { ClosedPeriod, PeriodSnapshot, Total } from '../core/invoice/adjustments.ts';
import { ratedLinesByPeriod } from '../core/invoice/lines.ts';
import type { PeriodLine } from '../core/invoice/lines.ts';
import type { Problem } from '../core/problems.ts';
import type { VerificationLogIds } from './card-view.ts';
import { verificationLogUrl } from './card-items.ts';
import type { PeriodStore, StoredSnapshot } from './period-ports.ts';

export type InvoiceLineDoc = PeriodLine & { readonly outcomes: readonly { readonly outcomeId: string; readonly verificationLogUrl: string | null }[] };

export interface InvoiceDocument {
  readonly portalId: number;
  readonly period: string;
  readonly state: 'open' | 'closed';
  /** For a closed period: when it was closed, and the SHA-256 of its snapshot's canonical JSON. */
  readonly closedAt: string | null;
  readonly sha256: string | null;
  readonly lines: readonly InvoiceLineDoc[];
  readonly totals: readonly Total[];
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The portal's closed periods, each checked against its hash: a snapshot whose text no longer hashes to
 * what was recorded at close, or is not the canonical form of itself, was changed after close.
 */
export async function readClosed(periods: PeriodStore, portalId: number): Promise<{ ok: true; closed: Map<string, ClosedPeriod> } | { ok: false; problems: Problem[] }> {
  const { closed, changed } = await readClosedEach(periods, portalId);
  return changed.size > 0 ? { ok: false, problems: [...changed.values()] } : { ok: true, closed };
}

/** The portal's closed periods as readClosed checks them, the intact ones apart from those changed after close (each with its problem). */
export async function readClosedEach(periods: PeriodStore, portalId: number): Promise<{ closed: Map<string, ClosedPeriod>; changed: Map<string, Problem> }> {
  const closed = new Map<string, ClosedPeriod>();
  const changed = new Map<string, Problem>();
  for (const s of await periods.closed(portalId)) {
    const snapshot = parseSnapshot(s);
    if (snapshot === null || sha256Hex(s.text) !== s.sha256 || canonicalJson(snapshot) !== s.text) {
      changed.set(s.period, { code: 'conflict', path: ['periods', s.period], message: `the snapshot of closed period ${s.period} does not match its SHA-256 ${s.sha256}: it was changed after close` });
    } else closed.set(s.period, { snapshot, sha256: s.sha256 });
  }
  return { closed, changed };
}

function parseSnapshot(s: StoredSnapshot): PeriodSnapshot | null {
  try {
    const parsed = JSON.parse(s.text) as PeriodSnapshot;
    return parsed.period === s.period && Array.isArray(parsed.lines) ? parsed : null;
  } catch {
    return null;
  }
}

/** The lines an open period's invoice has now: its own, and the adjustments it carries for closed periods. */
export function liveLines(period: string, outcomes: readonly Outcome[], criteria: CriteriaSet, closed: ReadonlyMap<string, ClosedPeriod>): PeriodLine[] {
  return openPeriodLines(period, ratedLinesByPeriod(outcomes, criteria), closed);
}

/** The snapshot `period close` would freeze now. */
export function snapshotOf(portalId: number, period: string, closedAt: string, lines: readonly PeriodLine[]): { snapshot: PeriodSnapshot; text: string; sha256: string } {
  const snapshot: PeriodSnapshot = { portalId, period, closedAt, lines, totals: totalsOf(lines) };
  const text = canonicalJson(snapshot);
  return { snapshot, text, sha256: sha256Hex(text) };
}

export interface InvoiceInput {
  readonly portalId: number;
  readonly period: string;
  readonly outcomes: readonly Outcome[];
  readonly criteria: CriteriaSet;
  readonly closed: ReadonlyMap<string, ClosedPeriod>;
}

/** The period's invoice with a verification-log URL per outcome (null while its log is not written yet). */
export async function periodInvoice(logs: VerificationLogIds, input: InvoiceInput): Promise<InvoiceDocument> {
  const frozen = input.closed.get(input.period);
  const lines = frozen ? frozen.snapshot.lines : liveLines(input.period, input.outcomes, input.criteria, input.closed);
  const ids = [...new Set(lines.flatMap((l) => l.outcomeIds))];
  const logIds = ids.length === 0 ? [] : await logs.logIds(input.portalId, ids);
  const url = new Map(ids.map((id, i) => [id, logIds[i] == null ? null : verificationLogUrl(input.portalId, logIds[i]!)] as const));
  return {
    portalId: input.portalId,
    period: input.period,
    state: frozen ? 'closed' : 'open',
    closedAt: frozen?.snapshot.closedAt ?? null,
    sha256: frozen?.sha256 ?? null,
    lines: lines.map((l) => ({ ...l, outcomes: l.outcomeIds.map((outcomeId) => ({ outcomeId, verificationLogUrl: url.get(outcomeId) ?? null })) })),
    totals: frozen ? frozen.snapshot.totals : totalsOf(lines),
  };
}
