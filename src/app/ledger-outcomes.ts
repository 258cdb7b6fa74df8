// Use case: every outcome of one portal's live ledger, in cli.md's order, for the invoice, period close and reconcile.
import type { Outcome } from '../core/engine/outcome.ts';
import { compareOutcomes } from '../core/ledger-view.ts';
import type { SignalStore } from './ports.ts';

export async function portalOutcomes(store: Pick<SignalStore, 'listRecords' | 'load'>, portalId: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for await (const ref of store.listRecords(portalId)) {
    const { state } = await store.load(ref, Number.NEGATIVE_INFINITY);
    if (state) outcomes.push(...state.outcomes);
  }
  return outcomes.sort(compareOutcomes);
}
