// Use case: the ledger as stored, each record's hot state with its archived outcomes: one record's, or every outcome of one portal in cli.md's order, for the invoice, period close and reconcile.
import type { Outcome } from '../core/engine/outcome.ts';
import { compareOutcomes } from '../core/ledger-view.ts';
import type { LoadedRecord, RecordRef, SignalStore } from './ports.ts';

/** A store the ledger can be read from: the hot states and the archives (docs/decisions.md, "Bounded state"). */
export type LedgerStore = Pick<SignalStore, 'load' | 'archived'>;

/**
 * The record as `load` reads it, with its archived outcomes put back in the state in cli.md's order (a hot
 * outcome may have opened before an archived one: the latest attempt of a key, or one within the dispute
 * horizon), for whatever shows or rates outcomes; the worker alone decides on the hot state.
 */
export async function loadWithArchive(store: LedgerStore, record: RecordRef, watermark: number): Promise<LoadedRecord & { readonly archivedIds: ReadonlySet<string> }> {
  const [loaded, archived] = await Promise.all([store.load(record, watermark), store.archived(record)]);
  const archivedIds = new Set(archived.map((o) => o.outcomeId));
  if (loaded.state === null || archived.length === 0) return { ...loaded, archivedIds };
  return { ...loaded, state: { ...loaded.state, outcomes: withArchived(loaded.state.outcomes, archived) }, archivedIds };
}

/** A record's hot outcomes with its archived ones, in cli.md's order (a hot one may have opened before an archived one): what every reader of the ledger sees, the write-back's too. */
export function withArchived(hot: readonly Outcome[], archived: readonly Outcome[]): Outcome[] {
  return archived.length === 0 ? [...hot] : [...archived, ...hot].sort(compareOutcomes);
}

export async function portalOutcomes(store: Pick<SignalStore, 'listRecords'> & LedgerStore, portalId: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for await (const ref of store.listRecords(portalId)) {
    const { state } = await loadWithArchive(store, ref, Number.NEGATIVE_INFINITY);
    if (state) outcomes.push(...state.outcomes);
  }
  return outcomes.sort(compareOutcomes);
}
